from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ktgs.core"
    label = "core"

    def ready(self):
        # Every CharField of every form refuses a NUL with this validator (an instance without a
        # message of its own reads the class's): say it in Vietnamese, whatever the browser's
        # language (docs/security.md, "An toàn web").
        from django.core.validators import ProhibitNullCharactersValidator

        from ktgs.core.validators import NUL_IN_FIELD

        ProhibitNullCharactersValidator.message = NUL_IN_FIELD
