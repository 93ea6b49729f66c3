"""`{% letter_countdown letter as c %}`: the letter's countdown (`countdown.py`) for its page,
so that the letter's page view needs no change to show it."""

from django import template

from ktgs.letters.countdown import countdown

register = template.Library()


@register.simple_tag
def letter_countdown(letter):
    return countdown(letter)
