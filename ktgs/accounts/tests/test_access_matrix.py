"""The access matrix: role × clearance × page × relation of the record to the user's unit.

POLICY below is written by hand from docs/security.md, not read back from access.py. Every
user of the cast holds one role at the đảng bộ cơ sở HA.DBK.001 with one clearance; the record
a page is about lies, relative to HA.DBK.001, in:

    own       HA.DBK.001 itself
    child     below it (the chi bộ HA.DBK.001.01, or a member registered there)
    sibling   under the same parent, outside its subtree (HA.DBK.002, a member of HA.DBK.002.01)
    parent    above it (HA.DBK)
    other     another branch of the province (HA.CQD.001, a member registered there)
    missing   a code or id that does not exist (a tampered URL)
    -         no record (a list, a form for a new record, the home page)

Members sit in chi bộ, never in a đảng bộ, so "own" and "parent" do not occur for them; each
member relation comes at the three secrecy levels (/normal = thường, /confidential = mật,
/secret = tối mật). A cell holds one answer for every clearance, or three separated by "/"
for the user's clearance thường / mật / tối mật. "anon" is a visitor who has not signed in.

Every URL pattern of the project must have rows here: a new page fails this module until its
rows are written.

Every letter of the world carries the canary of issue 16 (`ktgs.letters.tests.canary`) in its
filer's fields, and the inspector of clearance thường handles them all: every response of every
row, as every user, is searched for it (the body, a download unzipped, the headers), and so are
the server's log and the e-mails sent. Only the identity view of a user who may see it
(`letters.identity.may_see_identity`) shows it, and must.
"""

import logging
import re
from dataclasses import dataclass
from datetime import date

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from ktgs.accounts import services as account_services
from ktgs.accounts.access import TWO_FACTOR_ROLES, visible_to  # 2FA: a code before any page
from ktgs.core.models import Secrecy
from ktgs.core.vietnamese import format_int
from ktgs.documents.services import attachment_add
from ktgs.inspections import services as inspection_services
from ktgs.inspections.services import Recommendation, SubjectInput
from ktgs.letters.identity import may_see_identity
from ktgs.letters.models import Letter
from ktgs.letters.tests.canary import CANARY, NEEDLES, body_of, found_in
from ktgs.orgs import services as org_services
from ktgs.orgs.models import Body, Member, OrgUnit
from ktgs.programmes import services as programme_services
from ktgs.rules.choices import Step
from ktgs.rules.models import RuleRow
from ktgs.submissions.models import PeriodClosure

ROLES = ("sysadmin", "ubkt_leader", "inspector", "grassroots_officer", "committee_leader")
CLEARANCES = (Secrecy.NORMAL, Secrecy.CONFIDENTIAL, Secrecy.SECRET)
COLUMNS = ("anon", *ROLES)

# fmt: off
POLICY = """
# URL name            object               anon  sysadmin  ubkt_leader  inspector    grassroots   committee
home                  -                    302   200       200          200          200          200
login                 -                    200   302       302          302          302          302
logout                -                    302   302       302          302          302          302
otp_verify            -                    302   302       302          302          302          302
otp_enrol             -                    302   302       302          200          200          200
orgs:tree             -                    302   200       200          200          200          200
orgs:unit_create      -                    302   200       200          200          200          403
orgs:member_list      -                    302   403       200          200          200          200
orgs:member_create    -                    302   403       200          200          200          403
# the picker's suggestions (here: members named "nguyen"): within the scope, empty when none
orgs:pick             -                    302   200       200          200          200          200
orgs:pick             missing              302   404       404          404          404          404
audit:search          -                    302   200       200          403          403          403
exchange:upload       -                    302   403       200          200          200          403
exchange:template     -                    302   403       200          200          200          200
exchange:export_xlsx  -                    302   403       403          403          403          403
exchange:export_csv   -                    302   403       403          403          403          403
exchange:job          missing              302   403       404          404          404          403
exchange:job_progress missing              302   403       404          404          404          403
exchange:job_report   missing              302   403       404          404          404          403

orgs:tree_children    own                  302   200       200          200          200          200
orgs:tree_children    child                302   200       200          200          200          200
orgs:tree_children    sibling              302   404       404          404          404          404
orgs:tree_children    parent               302   404       404          404          404          404
orgs:tree_children    other                302   404       404          404          404          404
orgs:tree_children    missing              302   404       404          404          404          404

orgs:unit_detail      own                  302   200       200          200          200          200
orgs:unit_detail      child                302   200       200          200          200          200
orgs:unit_detail      sibling              302   404       404          404          404          404
orgs:unit_detail      parent               302   404       404          404          404          404
orgs:unit_detail      other                302   404       404          404          404          404
orgs:unit_detail      missing              302   404       404          404          404          404

# Sửa tên, chuyển cấp trên, đổi tên, sáp nhập vào, giải thể: the call of the body that manages
# the unit, i.e. its superior (units.change ABOVE the unit); in its own unit only a system
# administrator may.
orgs:unit_edit        own                  302   200       403          403          403          403
orgs:unit_edit        child                302   200       200          200          200          403
orgs:unit_edit        sibling              302   404       404          404          404          404
orgs:unit_edit        parent               302   404       404          404          404          404
orgs:unit_edit        other                302   404       404          404          404          404
orgs:unit_edit        missing              302   404       404          404          404          404

orgs:unit_move        own                  302   200       403          403          403          403
orgs:unit_move        child                302   200       200          200          200          403
orgs:unit_move        sibling              302   404       404          404          404          404
orgs:unit_move        parent               302   404       404          404          404          404
orgs:unit_move        other                302   404       404          404          404          404
orgs:unit_move        missing              302   404       404          404          404          404

orgs:unit_rename      own                  302   200       403          403          403          403
orgs:unit_rename      child                302   200       200          200          200          403
orgs:unit_rename      sibling              302   404       404          404          404          404
orgs:unit_rename      parent               302   404       404          404          404          404
orgs:unit_rename      other                302   404       404          404          404          404
orgs:unit_rename      missing              302   404       404          404          404          404

orgs:unit_short_name  own                  302   200       403          403          403          403
orgs:unit_short_name  child                302   200       200          200          200          403
orgs:unit_short_name  sibling              302   404       404          404          404          404
orgs:unit_short_name  parent               302   404       404          404          404          404
orgs:unit_short_name  other                302   404       404          404          404          404
orgs:unit_short_name  missing              302   404       404          404          404          404

orgs:unit_merge       own                  302   200       403          403          403          403
orgs:unit_merge       child                302   200       200          200          200          403
orgs:unit_merge       sibling              302   404       404          404          404          404
orgs:unit_merge       parent               302   404       404          404          404          404
orgs:unit_merge       other                302   404       404          404          404          404
orgs:unit_merge       missing              302   404       404          404          404          404

orgs:unit_close       own                  302   200       403          403          403          403
orgs:unit_close       child                302   200       200          200          200          403
orgs:unit_close       sibling              302   404       404          404          404          404
orgs:unit_close       parent               302   404       404          404          404          404
orgs:unit_close       other                302   404       404          404          404          404
orgs:unit_close       missing              302   404       404          404          404          404

orgs:member_detail    child/normal         302   404       200          200          200          200
orgs:member_detail    child/confidential   302   404       404/200/200  404/200/200  404/200/200  404/200/200
orgs:member_detail    child/secret         302   404       404/404/200  404/404/200  404/404/200  404/404/200
orgs:member_detail    sibling/normal       302   404       404          404          404          404
orgs:member_detail    sibling/confidential 302   404       404          404          404          404
orgs:member_detail    sibling/secret       302   404       404          404          404          404
orgs:member_detail    other/normal         302   404       404          404          404          404
orgs:member_detail    other/confidential   302   404       404          404          404          404
orgs:member_detail    other/secret         302   404       404          404          404          404
orgs:member_detail    missing              302   404       404          404          404          404

orgs:member_edit      child/normal         302   404       200          200          200          403
orgs:member_edit      child/confidential   302   404       404/200/200  404/200/200  404/200/200  404/403/403
orgs:member_edit      child/secret         302   404       404/404/200  404/404/200  404/404/200  404/404/403
orgs:member_edit      sibling/normal       302   404       404          404          404          404
orgs:member_edit      sibling/confidential 302   404       404          404          404          404
orgs:member_edit      sibling/secret       302   404       404          404          404          404
orgs:member_edit      other/normal         302   404       404          404          404          404
orgs:member_edit      other/confidential   302   404       404          404          404          404
orgs:member_edit      other/secret         302   404       404          404          404          404
orgs:member_edit      missing              302   404       404          404          404          404

orgs:member_transfer  child/normal         302   404       200          200          200          403
orgs:member_transfer  child/confidential   302   404       404/200/200  404/200/200  404/200/200  404/403/403
orgs:member_transfer  child/secret         302   404       404/404/200  404/404/200  404/404/200  404/404/403
orgs:member_transfer  sibling/normal       302   404       404          404          404          404
orgs:member_transfer  sibling/confidential 302   404       404          404          404          404
orgs:member_transfer  sibling/secret       302   404       404          404          404          404
orgs:member_transfer  other/normal         302   404       404          404          404          404
orgs:member_transfer  other/confidential   302   404       404          404          404          404
orgs:member_transfer  other/secret         302   404       404          404          404          404
orgs:member_transfer  missing              302   404       404          404          404          404

orgs:member_void      child/normal         302   404       200          200          200          403
orgs:member_void      child/confidential   302   404       404/200/200  404/200/200  404/200/200  404/403/403
orgs:member_void      child/secret         302   404       404/404/200  404/404/200  404/404/200  404/404/403
orgs:member_void      sibling/normal       302   404       404          404          404          404
orgs:member_void      sibling/confidential 302   404       404          404          404          404
orgs:member_void      sibling/secret       302   404       404          404          404          404
orgs:member_void      other/normal         302   404       404          404          404          404
orgs:member_void      other/confidential   302   404       404          404          404          404
orgs:member_void      other/secret         302   404       404          404          404          404
orgs:member_void      missing              302   404       404          404          404          404

# Attachments follow their owner (a member): the file of a member is seen by whoever sees the
# member (download), added or voided by whoever may edit it. "file:…" is a file of that member.
documents:attachment_add       child/normal         302   404       200          200          200          403
documents:attachment_add       child/confidential   302   404       404/200/200  404/200/200  404/200/200  404/403/403
documents:attachment_add       child/secret         302   404       404/404/200  404/404/200  404/404/200  404/404/403
documents:attachment_add       sibling/normal       302   404       404          404          404          404
documents:attachment_add       other/normal         302   404       404          404          404          404
documents:attachment_add       missing              302   404       404          404          404          404
documents:attachment_download  file:child/normal         302   404       200          200          200          200
documents:attachment_download  file:child/confidential   302   404       404/200/200  404/200/200  404/200/200  404/200/200
documents:attachment_download  file:child/secret         302   404       404/404/200  404/404/200  404/404/200  404/404/200
documents:attachment_download  file:sibling/normal       302   404       404          404          404          404
documents:attachment_download  file:other/normal         302   404       404          404          404          404
documents:attachment_download  missing                   302   404       404          404          404          404
documents:attachment_void      file:child/normal         302   404       200          200          200          403
documents:attachment_void      file:child/confidential   302   404       404/200/200  404/200/200  404/200/200  404/403/403
documents:attachment_void      file:child/secret         302   404       404/404/200  404/404/200  404/404/200  404/404/403
documents:attachment_void      file:sibling/normal       302   404       404          404          404          404
documents:attachment_void      file:other/normal         302   404       404          404          404          404
documents:attachment_void      missing                   302   404       404          404          404          404
# Word templates: every signed-in user sees and downloads those of their top unit ("missing": a
# type that does not exist); replacing one (POST) is for a UBKT leader or a system administrator.
documents:templates            -                         302   200       200          200          200          200
documents:template_download    -                         302   200       200          200          200          200
documents:template_download    missing                   302   404       404          404          404          404
# Inspections: seen by whoever reads records in a unit they concern (the performing unit or a
# subject's unit) up to the user's clearance; written from the performing unit's side. "insp:"
# objects are performed by HA.DBK.001's UBKT on its chi bộ (own), by HA.DBK.002's UBKT (sibling),
# by the bloc's UBKT on HA.DBK.001 (parent: seen, not written); "fu:own" a follow-up of own.
inspections:list      -                    302   403       200          200          200          200
inspections:due       -                    302   403       200          200          200          200
inspections:create    -                    302   403       200          200          200          403
inspections:detail    insp:own/normal      302   404       200          200          200          200
inspections:detail    insp:own/confidential 302  404       404/200/200  404/200/200  404/200/200  404/200/200
inspections:detail    insp:own/secret      302   404       404/404/200  404/404/200  404/404/200  404/404/200
inspections:detail    insp:parent/normal   302   404       200          200          200          200
inspections:detail    insp:sibling/normal  302   404       404          404          404          404
inspections:detail    missing              302   404       404          404          404          404
inspections:print_decision insp:own/normal  302   404       200          200          200          200
inspections:print_decision insp:own/secret  302   404       404/404/200  404/404/200  404/404/200  404/404/200
inspections:print_decision insp:parent/normal 302 404       200          200          200          200
inspections:print_decision insp:sibling/normal 302 404      404          404          404          404
inspections:print_decision missing          302   404       404          404          404          404
inspections:print_notice insp:own/normal    302   404       200          200          200          200
inspections:print_notice insp:own/secret    302   404       404/404/200  404/404/200  404/404/200  404/404/200
inspections:print_notice insp:sibling/normal 302  404       404          404          404          404
inspections:print_notice missing            302   404       404          404          404          404
inspections:step      insp:own/normal      302   404       200          200          200          403
inspections:step      insp:own/secret      302   404       404/404/200  404/404/200  404/404/200  404/404/403
inspections:step      insp:parent/normal   302   404       403          403          403          403
inspections:step      insp:sibling/normal  302   404       404          404          404          404
inspections:step      missing              302   404       404          404          404          404
inspections:plan      insp:own/normal      302   404       200          200          200          403
inspections:plan      insp:parent/normal   302   404       403          403          403          403
inspections:plan      insp:sibling/normal  302   404       404          404          404          404
inspections:plan      missing              302   404       404          404          404          404
inspections:conclude  insp:own/normal      302   404       200          200          200          403
inspections:conclude  insp:parent/normal   302   404       403          403          403          403
inspections:conclude  insp:sibling/normal  302   404       404          404          404          404
inspections:conclude  missing              302   404       404          404          404          404
inspections:signs     insp:own/normal      302   404       200          200          200          403
inspections:signs     insp:parent/normal   302   404       403          403          403          403
inspections:signs     insp:sibling/normal  302   404       404          404          404          404
inspections:signs     missing              302   404       404          404          404          404
inspections:void      insp:own/normal      302   404       200          200          200          403
inspections:void      insp:parent/normal   302   404       403          403          403          403
inspections:void      insp:sibling/normal  302   404       404          404          404          404
inspections:void      missing              302   404       404          404          404          404
# Corrections of data-entry errors: as recording the inspection (records.change in the performing
# unit). "insp:done" is a concluded supervision of HA.DBK.001's UBKT (a step done, a conclusion).
inspections:correct   insp:own/normal      302   404       200          200          200          403
inspections:correct   insp:own/secret      302   404       404/404/200  404/404/200  404/404/200  404/404/403
inspections:correct   insp:parent/normal   302   404       403          403          403          403
inspections:correct   insp:sibling/normal  302   404       404          404          404          404
inspections:correct   missing              302   404       404          404          404          404
inspections:correct_team insp:own/normal   302   404       200          200          200          403
inspections:correct_team insp:parent/normal 302  404       403          403          403          403
inspections:correct_team insp:sibling/normal 302 404       404          404          404          404
inspections:correct_team missing           302   404       404          404          404          404
inspections:correct_step insp:done         302   404       200          200          200          403
inspections:correct_step insp:parent/normal 302  404       403          403          403          403
inspections:correct_step insp:sibling/normal 302 404       404          404          404          404
inspections:correct_step missing           302   404       404          404          404          404
inspections:correct_conclusion insp:done   302   404       200          200          200          403
inspections:correct_conclusion insp:own/normal 302 404     404          404          404          403
inspections:correct_conclusion insp:sibling/normal 302 404 404          404          404          404
inspections:correct_conclusion missing     302   404       404          404          404          404
inspections:correct_subject_remove insp:own/normal 302 404 200          200          200          403
inspections:correct_subject_remove insp:parent/normal 302 404 403       403          403          403
inspections:correct_subject_remove insp:sibling/normal 302 404 404      404          404          404
inspections:correct_subject_remove missing 302   404       404          404          404          404
inspections:correct_follow_up insp:done    302   404       200          200          200          403
inspections:correct_follow_up insp:own/normal 302 404      404          404          404          403
inspections:correct_follow_up insp:parent/normal 302 404   403          403          403          403
inspections:correct_follow_up insp:sibling/normal 302 404  404          404          404          404
inspections:correct_follow_up missing      302   404       404          404          404          404
inspections:follow_up fu:own               302   404       200          200          200          403
inspections:follow_up missing              302   404       404          404          404          404
# Programmes: seen by whoever reads records in the body's unit, written with records.change
# there. "prog:own" is the 2026 programme of HA.DBK.001's UBKT (one item), "prog:parent" that of
# the bloc's UBKT (its unit is above the user's: not seen), "prog:sibling" that of HA.DBK.002's.
programmes:list        -                   302   403       200          200          200          200
programmes:create      -                   302   403       200          200          200          403
programmes:detail      prog:own            302   404       200          200          200          200
programmes:detail      prog:parent         302   404       404          404          404          404
programmes:detail      prog:sibling        302   404       404          404          404          404
programmes:detail      missing             302   404       404          404          404          404
programmes:item_add    prog:own            302   404       200          200          200          403
programmes:item_add    prog:parent         302   404       404          404          404          404
programmes:item_add    prog:sibling        302   404       404          404          404          404
programmes:item_add    missing             302   404       404          404          404          404
programmes:item_edit   prog:own            302   404       200          200          200          403
programmes:item_edit   prog:parent         302   404       404          404          404          404
programmes:item_edit   missing             302   404       404          404          404          404
programmes:item_remove prog:own            302   404       200          200          200          403
programmes:item_remove prog:parent         302   404       404          404          404          404
programmes:item_remove missing             302   404       404          404          404          404
programmes:void        prog:own            302   404       200          200          200          403
programmes:void        prog:parent         302   404       404          404          404          404
programmes:void        prog:sibling        302   404       404          404          404          404
programmes:void        missing             302   404       404          404          404          404
# KTGS figures (/so-lieu/): the counts need any role in the unit (figures only, so the system
# administrator too); the rows behind a number need records.view there. "-" is the default unit
# (the user's top unit). A unit outside the scope or unknown, typed in a filter (figures,
# discipline list), is no 404: the page answers 200 with the message next to the field and
# without that unit (test_leak_messages, orgs/tests/test_unit_filters); in the rows behind a
# number (counting:list, opened from the figures' links) it is a 404.
counting:counts        -                   302   200       200          200          200          200
counting:counts        own                 302   200       200          200          200          200
counting:counts        child               302   200       200          200          200          200
counting:counts        sibling             302   200       200          200          200          200
counting:counts        parent              302   200       200          200          200          200
counting:counts        other               302   200       200          200          200          200
counting:counts        missing             302   200       200          200          200          200
counting:list          -                   302   403       200          200          200          200
counting:list          own                 302   403       200          200          200          200
counting:list          child               302   403       200          200          200          200
counting:list          sibling             302   404       404          404          404          404
counting:list          parent              302   404       404          404          404          404
counting:list          other               302   404       404          404          404          404
counting:list          missing             302   404       404          404          404          404
discipline:list        -                   302   403       200          200          200          200
discipline:list        own                 302   403       200          200          200          200
discipline:list        child               302   403       200          200          200          200
discipline:list        sibling             302   403       200          200          200          200
discipline:list        parent              302   403       200          200          200          200
discipline:list        other               302   403       200          200          200          200
discipline:list        missing             302   403       200          200          200          200
discipline:figures     -                   302   200       200          200          200          200
discipline:figures     own                 302   200       200          200          200          200
discipline:figures     child               302   200       200          200          200          200
discipline:figures     sibling             302   200       200          200          200          200
discipline:figures     parent              302   200       200          200          200          200
discipline:figures     other               302   200       200          200          200          200
discipline:figures     missing             302   200       200          200          200          200
# The records behind the report's appeals and suspensions figures (a unit and a period, opened
# from the report's links): like counting:list, records.view on the unit; a unit outside the
# scope or unknown is a 404.
discipline:appeals     -                   302   403       200          200          200          200
discipline:appeals     own                 302   403       200          200          200          200
discipline:appeals     child               302   403       200          200          200          200
discipline:appeals     sibling             302   404       404          404          404          404
discipline:appeals     parent              302   404       404          404          404          404
discipline:appeals     other               302   404       404          404          404          404
discipline:appeals     missing             302   404       404          404          404          404
suspensions:period     -                   302   403       200          200          200          200
suspensions:period     own                 302   403       200          200          200          200
suspensions:period     child               302   403       200          200          200          200
suspensions:period     sibling             302   404       404          404          404          404
suspensions:period     parent              302   404       404          404          404          404
suspensions:period     other               302   404       404          404          404          404
suspensions:period     missing             302   404       404          404          404          404
# The report (/bao-cao/): the figures need any role in the unit, like the KTGS figures (the
# system administrator too); the unit is in the URL, so one outside the scope is a 404. "-" (the
# menu's link) redirects to the report of the user's top unit.
reports:index          -                   302   302       302          302          302          302
reports:unit           own                 302   200       200          200          200          200
reports:unit           child               302   200       200          200          200          200
reports:unit           sibling             302   404       404          404          404          404
reports:unit           parent              302   404       404          404          404          404
reports:unit           other               302   404       404          404          404          404
reports:unit           missing             302   404       404          404          404          404
reports:xlsx           own                 302   200       200          200          200          200
reports:xlsx           child               302   200       200          200          200          200
reports:xlsx           sibling             302   404       404          404          404          404
reports:xlsx           parent              302   404       404          404          404          404
reports:xlsx           other               302   404       404          404          404          404
reports:xlsx           missing             302   404       404          404          404          404
reports:docx           own                 302   200       200          200          200          200
reports:docx           child               302   200       200          200          200          200
reports:docx           sibling             302   404       404          404          404          404
reports:docx           parent              302   404       404          404          404          404
reports:docx           other               302   404       404          404          404          404
reports:docx           missing             302   404       404          404          404          404
reports:chart_svg      own                 302   200       200          200          200          200
reports:chart_svg      child               302   200       200          200          200          200
reports:chart_svg      sibling             302   404       404          404          404          404
reports:chart_svg      parent              302   404       404          404          404          404
reports:chart_svg      other               302   404       404          404          404          404
reports:chart_svg      missing             302   404       404          404          404          404
reports:chart          own                 302   200       200          200          200          200
reports:chart          child               302   200       200          200          200          200
reports:chart          sibling             302   404       404          404          404          404
reports:chart          parent              302   404       404          404          404          404
reports:chart          other               302   404       404          404          404          404
reports:chart          missing             302   404       404          404          404          404
# The narrative review's drafts (docs/reports.md, «Báo cáo thuyết minh»): seen like the report
# page; generated (a POST with the report page's period; none here: back to the report page)
# with records.change in the unit. "draft:own" is a draft of HA.DBK.001, "draft:sibling" one of
# HA.DBK.002.
reports:drafts         own                 302   200       200          200          200          200
reports:drafts         child               302   200       200          200          200          200
reports:drafts         sibling             302   404       404          404          404          404
reports:drafts         parent              302   404       404          404          404          404
reports:drafts         missing             302   404       404          404          404          404
reports:draft_create   own                 302   403       302          302          302          403
reports:draft_create   child               302   403       302          302          302          403
reports:draft_create   sibling             302   404       404          404          404          404
reports:draft_create   parent              302   404       404          404          404          404
reports:draft_create   missing             302   404       404          404          404          404
reports:draft          draft:own           302   200       200          200          200          200
reports:draft          draft:sibling       302   404       404          404          404          404
reports:draft          missing             302   404       404          404          404          404
# its export as a Party-format DOCX (a number booked on sending): records.change in the unit
reports:draft_docx     draft:own           302   403       200          200          200          403
reports:draft_docx     draft:sibling       302   404       404          404          404          404
reports:draft_docx     missing             302   404       404          404          404          404
# Nộp báo cáo (docs/submissions.md): a unit's obligations and a period's statuses are seen like
# the report page; submitting, reminding, closing, reopening (POSTed empty: the form's message,
# back to the page) and a new request need records.change in the unit.
submissions:unit       own                 302   200       200          200          200          200
submissions:unit       child               302   200       200          200          200          200
submissions:unit       sibling             302   404       404          404          404          404
submissions:unit       parent              302   404       404          404          404          404
submissions:unit       other               302   404       404          404          404          404
submissions:unit       missing             302   404       404          404          404          404
submissions:period     own                 302   200       200          200          200          200
submissions:period     child               302   200       200          200          200          200
submissions:period     sibling             302   404       404          404          404          404
submissions:period     parent              302   404       404          404          404          404
submissions:period     other               302   404       404          404          404          404
submissions:period     missing             302   404       404          404          404          404
submissions:submit     own                 302   403       302          302          302          403
submissions:submit     child               302   403       302          302          302          403
submissions:submit     sibling             302   404       404          404          404          404
submissions:submit     parent              302   404       404          404          404          404
submissions:submit     other               302   404       404          404          404          404
submissions:submit     missing             302   404       404          404          404          404
submissions:remind     own                 302   403       302          302          302          403
submissions:remind     child               302   403       302          302          302          403
submissions:remind     sibling             302   404       404          404          404          404
submissions:remind     parent              302   404       404          404          404          404
submissions:remind     other               302   404       404          404          404          404
submissions:remind     missing             302   404       404          404          404          404
submissions:close      own                 302   403       302          302          302          403
submissions:close      child               302   403       302          302          302          403
submissions:close      sibling             302   404       404          404          404          404
submissions:close      parent              302   404       404          404          404          404
submissions:close      other               302   404       404          404          404          404
submissions:close      missing             302   404       404          404          404          404
submissions:reopen     own                 302   403       302          302          302          403
submissions:reopen     child               302   403       302          302          302          403
submissions:reopen     sibling             302   404       404          404          404          404
submissions:reopen     parent              302   404       404          404          404          404
submissions:reopen     other               302   404       404          404          404          404
submissions:reopen     missing             302   404       404          404          404          404
submissions:request_create own                 302   403       200          200          200          403
submissions:request_create child               302   403       200          200          200          403
submissions:request_create sibling             302   404       404          404          404          404
submissions:request_create parent              302   404       404          404          404          404
submissions:request_create other               302   404       404          404          404          404
submissions:request_create missing             302   404       404          404          404          404
# the superior's report of a closed period (frozen tables, page and XLSX): seen like the period
submissions:closure_report closure:own     302   200       200          200          200          200
submissions:closure_report closure:sibling 302   404       404          404          404          404
submissions:closure_report missing         302   404       404          404          404          404
submissions:closure_xlsx closure:own       302   200       200          200          200          200
submissions:closure_xlsx closure:sibling   302   404       404          404          404          404
submissions:closure_xlsx missing           302   404       404          404          404          404
# Gói báo cáo giữa hai hệ thống: the signing key and a package's download (POSTed empty: the
# form's message, back to the page), the superior's page of packages (seen like the unit's
# page), registering and revoking a key, importing a package: records.change in the unit.
submissions:keygen     own                 302   403       302          302          302          403
submissions:keygen     child               302   403       302          302          302          403
submissions:keygen     sibling             302   404       404          404          404          404
submissions:keygen     parent              302   404       404          404          404          404
submissions:keygen     other               302   404       404          404          404          404
submissions:keygen     missing             302   404       404          404          404          404
submissions:export     own                 302   403       302          302          302          403
submissions:export     child               302   403       302          302          302          403
submissions:export     sibling             302   404       404          404          404          404
submissions:export     parent              302   404       404          404          404          404
submissions:export     other               302   404       404          404          404          404
submissions:export     missing             302   404       404          404          404          404
submissions:packages   own                 302   200       200          200          200          200
submissions:packages   child               302   200       200          200          200          200
submissions:packages   sibling             302   404       404          404          404          404
submissions:packages   parent              302   404       404          404          404          404
submissions:packages   other               302   404       404          404          404          404
submissions:packages   missing             302   404       404          404          404          404
submissions:key_register own                 302   403       302          302          302          403
submissions:key_register child               302   403       302          302          302          403
submissions:key_register sibling             302   404       404          404          404          404
submissions:key_register parent              302   404       404          404          404          404
submissions:key_register other               302   404       404          404          404          404
submissions:key_register missing             302   404       404          404          404          404
submissions:key_revoke own                 302   403       302          302          302          403
submissions:key_revoke child               302   403       302          302          302          403
submissions:key_revoke sibling             302   404       404          404          404          404
submissions:key_revoke parent              302   404       404          404          404          404
submissions:key_revoke other               302   404       404          404          404          404
submissions:key_revoke missing             302   404       404          404          404          404
submissions:package_import own                 302   403       302          302          302          403
submissions:package_import child               302   403       302          302          302          403
submissions:package_import sibling             302   404       404          404          404          404
submissions:package_import parent              302   404       404          404          404          404
submissions:package_import other               302   404       404          404          404          404
submissions:package_import missing             302   404       404          404          404          404
# The rule pack (/quy-tac/): public regulations, read by anyone holding a role, whatever the
# unit; "rule:any" is a pack row still to be checked. Overriding a value (a POST on the detail
# page) is for the UBKT leader only: ktgs/rules/tests/test_views.py.
rules:list             -                   302   200       200          200          200          200
rules:detail           rule:any            302   200       200          200          200          200
rules:detail           missing             302   404       404          404          404          404
# Discipline cases: seen by readers in the considering body's unit or the subject's unit (up to
# their clearance); recorded with records.change there; the decision and an appeal's outcome
# need records.decide (commission leaders). "case:own" is a case of HA.DBK.001's UBKT on a
# member of its chi bộ (with a deciding vote), "case:sibling" one of HA.DBK.002's UBKT;
# "decision:own" a warning by the chi bộ HA.DBK.001.01, "appeal:own" an appeal of it to HA.DBK.001.
cases:list            -                    302   403       200          200          200          200
cases:create          -                    302   403       200          200          200          403
cases:detail          case:own             302   404       200          200          200          200
cases:detail          case:sibling         302   404       404          404          404          404
cases:detail          missing              302   404       404          404          404          404
cases:violation       case:own             302   404       200          200          200          403
cases:violation       case:sibling         302   404       404          404          404          404
cases:violation       missing              302   404       404          404          404          404
cases:statements      case:own             302   404       200          200          200          403
cases:statements      missing              302   404       404          404          404          404
cases:pause           case:own             302   404       200          200          200          403
cases:pause           missing              302   404       404          404          404          404
cases:vote            case:own             302   404       200          200          200          403
cases:vote            case:sibling         302   404       404          404          404          404
cases:vote            missing              302   404       404          404          404          404
cases:decide          case:own             302   404       200          403          403          403
cases:decide          case:sibling         302   404       404          404          404          404
cases:decide          missing              302   404       404          404          404          404
cases:appeal          decision:own         302   404       200          200          200          403
cases:appeal          missing              302   404       404          404          404          404
# A decision printed (DOCX) by whoever sees it.
discipline:print      decision:own         302   404       200          200          200          200
discipline:print      missing              302   404       404          404          404          404
cases:appeal_resolve  appeal:own           302   404       200          403          403          403
cases:appeal_resolve  missing              302   404       404          404          404          404
# Corrections: the case, a violation, a vote as recording them (records.change in the considering
# body's unit); the decision as making it (records.decide in the deciding body's unit).
cases:correct         case:own             302   404       200          200          200          403
cases:correct         case:sibling         302   404       404          404          404          404
cases:correct         missing              302   404       404          404          404          404
cases:correct_violation case:own           302   404       200          200          200          403
cases:correct_violation case:sibling       302   404       404          404          404          404
cases:correct_violation missing            302   404       404          404          404          404
cases:correct_vote    case:own             302   404       200          200          200          403
cases:correct_vote    case:sibling         302   404       404          404          404          404
cases:correct_vote    missing              302   404       404          404          404          404
cases:correct_pause   case:own             302   404       200          200          200          403
cases:correct_pause   case:sibling         302   404       404          404          404          404
cases:correct_pause   missing              302   404       404          404          404          404
cases:correct_pause_remove case:own        302   404       200          200          200          403
cases:correct_pause_remove case:sibling    302   404       404          404          404          404
cases:correct_pause_remove missing         302   404       404          404          404          404
cases:correct_decision decision:own        302   404       200          403          403          403
cases:correct_decision missing             302   404       404          404          404          404
# Suspensions (đình chỉ sinh hoạt) and striking off (xóa tên): seen when the member is seen;
# started, extended and struck off with records.change in the body's unit. "susp:own" is a
# suspension by HA.DBK.001's UBKT of a member of HA.DBK.001.01 (running), "susp:sibling" one
# by HA.DBK.002's UBKT of a member of HA.DBK.002.01; "susp:org_own" suspends the activity of
# the cell HA.DBK.001.01 by HA.DBK.001's committee, "susp:org_sibling" that of HA.DBK.002.01 by
# HA.DBK.002's committee (seen in the body's unit and the organisation's).
suspensions:list       -                   302   403       200          200          200          200
suspensions:create     -                   302   403       200          200          200          403
suspensions:strike_off -                   302   403       200          200          200          403
suspensions:detail     susp:own            302   404       200          200          200          200
suspensions:detail     susp:sibling        302   404       404          404          404          404
suspensions:detail     susp:org_own        302   404       200          200          200          200
suspensions:detail     susp:org_sibling    302   404       404          404          404          404
suspensions:detail     missing             302   404       404          404          404          404
suspensions:extend     susp:own            302   404       200          200          200          403
suspensions:extend     susp:sibling        302   404       404          404          404          404
suspensions:extend     susp:org_own        302   404       200          200          200          403
suspensions:extend     susp:org_sibling    302   404       404          404          404          404
suspensions:extend     missing             302   404       404          404          404          404
# Letters (đơn thư): seen by whoever reads records in the receiving body's unit, except a user
# holding a role at or inside an accused unit (the UBKT roles at the receiving unit itself are
# that unit's UBKT, not the accused); registered with records.change in the body's own unit. The
# filer's identity (a POST) only for the receiving unit's UBKT leaders and the handler: the
# inspector of clearance thường (HANDLER) handles every letter, and sees the identity of those
# it sees.
# "letter:own" was received by HA.DBK.001's UBKT about a member of its chi bộ; "letter:own/secret"
# is the same, tối mật; "letter:accused_own" accuses HA.DBK.001 itself; "letter:parent" was
# received by the bloc's UBKT, "letter:sibling" by HA.DBK.002's.
letters:list           -                   302   403       200          200          200          200
letters:due            -                   302   403       200          200          200          200
letters:create         -                   302   403       200          200          200          403
letters:detail         letter:own          302   404       200          200          200          200
letters:detail         letter:own/secret   302   404       404/404/200  404/404/200  404/404/200  404/404/200
letters:detail         letter:accused_own  302   404       200          200          404          404
letters:detail         letter:parent       302   404       404          404          404          404
letters:detail         letter:sibling      302   404       404          404          404          404
letters:detail         missing             302   404       404          404          404          404
letters:identity       letter:own          302   404       200          200/403/403  403          403
letters:identity       letter:own/secret   302   404       404/404/200  404/404/403  404/404/403  404/404/403
letters:identity       letter:accused_own  302   404       200          200/403/403  404          404
letters:identity       letter:parent       302   404       404          404          404          404
letters:identity       missing             302   404       404          404          404          404
# routing a letter: who may change it (records.change in its unit); a letter not forwarded
# has no forwarding note (404 once the role is checked)
letters:route          letter:own          302   404       200          200          200          403
letters:route          letter:own/secret   302   404       404/404/200  404/404/200  404/404/200  404/404/403
letters:route          letter:accused_own  302   404       200          200          404          404
letters:route          letter:parent       302   404       404          404          404          404
letters:route          missing             302   404       404          404          404          404
letters:forwarding_note letter:own         302   404       404          404          404          403
letters:forwarding_note letter:accused_own 302   404       404          404          404          404
letters:forwarding_note missing            302   404       404          404          404          404
# Handling (letters/handling_views.py): records.change in the receiving body's own unit; erasing
# the filer's identity only for that unit's UBKT leaders (a GET shows the form or why not).
letters:accept         letter:own          302   404       200          200          200          403
letters:accept         letter:accused_own  302   404       200          200          404          404
letters:accept         letter:parent       302   404       404          404          404          404
letters:accept         missing             302   404       404          404          404          404
letters:assign         letter:own          302   404       200          200          200          403
letters:assign         letter:accused_own  302   404       200          200          404          404
letters:assign         letter:parent       302   404       404          404          404          404
letters:assign         missing             302   404       404          404          404          404
letters:step_add       letter:own          302   404       200          200          200          403
letters:step_add       letter:accused_own  302   404       200          200          404          404
letters:step_add       letter:parent       302   404       404          404          404          404
letters:step_add       missing             302   404       404          404          404          404
letters:extend         letter:own          302   404       200          200          200          403
letters:extend         letter:accused_own  302   404       200          200          404          404
letters:extend         letter:parent       302   404       404          404          404          404
letters:extend         missing             302   404       404          404          404          404
letters:conclude       letter:own          302   404       200          200          200          403
letters:conclude       letter:accused_own  302   404       200          200          404          404
letters:conclude       letter:parent       302   404       404          404          404          404
letters:conclude       missing             302   404       404          404          404          404
letters:reply          letter:own          302   404       200          200          200          403
letters:reply          letter:accused_own  302   404       200          200          404          404
letters:reply          letter:parent       302   404       404          404          404          404
letters:reply          missing             302   404       404          404          404          404
letters:case_link      letter:own          302   404       200          200          200          403
letters:case_link      letter:accused_own  302   404       200          200          404          404
letters:case_link      letter:parent       302   404       404          404          404          404
letters:case_link      missing             302   404       404          404          404          404
letters:case_open      letter:own          302   404       200          200          200          403
letters:case_open      letter:accused_own  302   404       200          200          404          404
letters:case_open      letter:parent       302   404       404          404          404          404
letters:case_open      missing             302   404       404          404          404          404
letters:erase          letter:own          302   404       200          403          403          403
letters:erase          letter:accused_own  302   404       200          403          404          404
letters:erase          letter:parent       302   404       404          404          404          404
letters:erase          missing             302   404       404          404          404          404
# Administration (/quan-tri/): users and their roles, for system administrators only (users.manage
# anywhere, else 403). "user:own" holds a role in HA.DBK.001's subtree (the administrator's),
# "user:sibling" only in HA.DBK.002 (not theirs: 404); "role:own"/"role:sibling" are those roles.
# Every change page opens (GET) on a user the administrator manages; the refusals (themselves,
# another administrator) are in ktgs/accounts/tests/test_administration.py.
accounts_admin:users        -              302   200       403          403          403          403
accounts_admin:user_create  -              302   200       403          403          403          403
accounts_admin:user_detail     user:own       302   200       403          403          403          403
accounts_admin:user_detail     user:sibling   302   404       403          403          403          403
accounts_admin:user_detail     missing        302   404       403          403          403          403
accounts_admin:role_assign     user:own       302   200       403          403          403          403
accounts_admin:role_assign     user:sibling   302   404       403          403          403          403
accounts_admin:role_assign     missing        302   404       403          403          403          403
accounts_admin:clearance       user:own       302   200       403          403          403          403
accounts_admin:clearance       user:sibling   302   404       403          403          403          403
accounts_admin:clearance       missing        302   404       403          403          403          403
accounts_admin:full_name       user:own       302   200       403          403          403          403
accounts_admin:full_name       user:sibling   302   404       403          403          403          403
accounts_admin:full_name       missing        302   404       403          403          403          403
accounts_admin:member          user:own       302   200       403          403          403          403
accounts_admin:member          user:sibling   302   404       403          403          403          403
accounts_admin:member          missing        302   404       403          403          403          403
accounts_admin:two_factor      user:own       302   200       403          403          403          403
accounts_admin:two_factor      user:sibling   302   404       403          403          403          403
accounts_admin:two_factor      missing        302   404       403          403          403          403
accounts_admin:deactivate      user:own       302   200       403          403          403          403
accounts_admin:deactivate      user:sibling   302   404       403          403          403          403
accounts_admin:deactivate      missing        302   404       403          403          403          403
accounts_admin:role_end    role:own       302   200       403          403          403          403
accounts_admin:role_end    role:sibling   302   404       403          403          403          403
accounts_admin:role_end    missing        302   404       403          403          403          403
# A unit's dated settings (terms, attributes, issuer symbols) and the read log: administrators,
# in their subtree only; a term, attribute or symbol is "own" or "sibling" by its unit.
accounts_admin:units           -              302   200       403          403          403          403
accounts_admin:reads           -              302   200       403          403          403          403
accounts_admin:unit_settings   own            302   200       403          403          403          403
accounts_admin:unit_settings   child          302   200       403          403          403          403
accounts_admin:unit_settings   sibling        302   404       403          403          403          403
accounts_admin:unit_settings   parent         302   404       403          403          403          403
accounts_admin:unit_settings   missing        302   404       403          403          403          403
accounts_admin:term_add        own            302   200       403          403          403          403
accounts_admin:term_add        sibling        302   404       403          403          403          403
accounts_admin:attribute_add   own            302   200       403          403          403          403
accounts_admin:attribute_add   sibling        302   404       403          403          403          403
accounts_admin:term_end        term:own       302   200       403          403          403          403
accounts_admin:term_end        term:sibling   302   404       403          403          403          403
accounts_admin:term_end        missing        302   404       403          403          403          403
accounts_admin:attribute_end   attr:own       302   200       403          403          403          403
accounts_admin:attribute_end   attr:sibling   302   404       403          403          403          403
accounts_admin:attribute_end   missing        302   404       403          403          403          403
issuer_symbols:list            own            302   200       403          403          403          403
issuer_symbols:list            sibling        302   404       403          403          403          403
issuer_symbols:list            parent         302   404       403          403          403          403
issuer_symbols:list            missing        302   404       403          403          403          403
issuer_symbols:add             own            302   200       403          403          403          403
issuer_symbols:add             sibling        302   404       403          403          403          403
issuer_symbols:end             symbol:own     302   200       403          403          403          403
issuer_symbols:end             symbol:sibling 302   404       403          403          403          403
issuer_symbols:end             missing        302   404       403          403          403          403
"""
# fmt: on

# How a page is asked: logging out and voiding are POSTs (voiding with no reason: the form
# comes back with its error, nothing is written); the tree's children are an htmx request.
POSTED = {
    "logout",
    "orgs:member_void",
    "reports:draft_create",
    "letters:identity",
    "submissions:submit",
    "submissions:remind",
    "submissions:close",
    "submissions:reopen",
    "submissions:keygen",
    "submissions:export",
    "submissions:key_register",
    "submissions:key_revoke",
    "submissions:package_import",
}
HTMX = {"orgs:tree_children", "exchange:job_progress"}

OWNER_PAGES = {"documents:attachment_add"}
DRAFT_PAGES = {
    "reports:draft",
    "reports:draft_docx",
    "submissions:closure_report",
    "submissions:closure_xlsx",
}
UNIT_QUERY_PAGES = {  # the unit is `?don-vi=<code>`
    "counting:counts",
    "counting:list",
    "discipline:list",
    "discipline:figures",
    "discipline:appeals",
    "suspensions:period",
}
INSPECTION_PARTS = {
    "inspections:step": "steps",
    "inspections:conclude": "subjects",
    "inspections:correct_step": "steps",
    "inspections:correct_conclusion": "subjects",
    "inspections:correct_subject_remove": "subjects",
    "inspections:correct_follow_up": "follow_ups",
    "cases:correct_violation": "violations",  # a page about a violation or a vote of a case
    "cases:correct_vote": "votes",
    "cases:correct_pause": "pauses",  # a period not counted in the limitation
    "cases:correct_pause_remove": "pauses",
    "programmes:item_edit": "items",  # a page about an item of a programme
    "programmes:item_remove": "items",
}
HOME_UNIT = "HA.DBK.001"
UNIT_AT = {
    "own": "HA.DBK.001",
    "child": "HA.DBK.001.01",
    "sibling": "HA.DBK.002",
    "parent": "HA.DBK",
    "other": "HA.CQD.001",
}
MEMBER_CELL_AT = {"child": "HA.DBK.001.01", "sibling": "HA.DBK.002.01", "other": "HA.CQD.001"}
PASSWORD = "ma-tran-truy-cap-2026"
HANDLER = ("inspector", Secrecy.NORMAL)  # the handler of every letter of the world
IDENTITY = "letters:identity"


def parse_policy(text: str) -> dict[tuple[str, str], dict[str, dict[str, int]]]:
    """{(url name, object): {column: {clearance: status}}}; "anon" has one clearance, ""."""
    table = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, obj, *cells = line.split()
        assert len(cells) == len(COLUMNS), f"row {name} {obj}: {len(cells)} cells"
        assert (name, obj) not in table, f"row {name} {obj} written twice"
        table[name, obj] = {
            column: _per_clearance(cell, column)
            for column, cell in zip(COLUMNS, cells, strict=True)
        }
    return table


def _per_clearance(cell: str, column: str) -> dict[str, int]:
    values = [int(v) for v in cell.split("/")]
    if column == "anon":
        assert len(values) == 1, "a visitor has no clearance"
        return {"": values[0]}
    if len(values) == 1:
        values *= len(CLEARANCES)
    assert len(values) == len(CLEARANCES), cell
    return dict(zip(CLEARANCES, values, strict=True))


TABLE = parse_policy(POLICY)


def url_names(patterns=None, prefix: str = "") -> list[str]:
    """Every URL pattern of the project as its name with namespaces ("orgs:tree")."""
    names = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names += url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            names.append(f"{prefix}{entry.name}" if entry.name else f"<unnamed {entry.pattern}>")
    return names


# --- the cast, the records, the clients: built once for this module, rolled back after -------


@dataclass(frozen=True)
class Missing:
    pk: int = 10**9
    code: str = "KHONG-CO.99"


@dataclass
class World:
    clients: dict  # (role, clearance) -> Client; ("anon", "") -> Client
    users: dict  # (role, clearance) -> User
    objects: dict  # object label -> OrgUnit | Member | Missing


def _signed_in(user, two_factor: bool) -> Client:
    client = Client()
    client.force_login(user)
    if two_factor:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _make_cast(home: OrgUnit) -> dict:
    users = {}
    for role in ROLES:
        for clearance in CLEARANCES:
            user = account_services.user_create(
                username=f"mt.{role}.{clearance}", password=PASSWORD, clearance=clearance
            )
            account_services.role_assign(
                user=user, unit=home, role=role, starts_on=date(2015, 1, 5)
            )
            if role in TWO_FACTOR_ROLES:
                TOTPDevice.objects.create(user=user, name="matrix", confirmed=True)
            users[role, clearance] = user
    return users


def _make_inspections() -> dict:
    """Thematic supervisions in 2026 (see the POLICY comment) and a follow-up of one of them."""

    def made(unit_code: str, subject_code: str, n: int, secrecy=Secrecy.NORMAL):
        return inspection_services.inspection_create(
            body=Body.objects.get(unit__code=unit_code, kind="inspection"),
            kind="supervision_thematic",
            decided_on=date(2026, 3, 2),
            decision_number=f"{n:02d}-QĐ/UBKT",
            topic="Giám sát chuyên đề (ma trận truy cập)",
            subjects=[SubjectInput(unit=OrgUnit.objects.get(code=subject_code))],
            secrecy=secrecy,
        )

    objects = {
        f"insp:own/{s}": made("HA.DBK.001", "HA.DBK.001.01", 90 + i, s)
        for i, s in enumerate(CLEARANCES)
    }
    objects["insp:sibling/normal"] = made("HA.DBK.002", "HA.DBK.002.01", 95)
    objects["insp:parent/normal"] = made("HA.DBK", "HA.DBK.001", 96)
    done = made("HA.DBK.001", "HA.DBK.001.01", 97)
    step = done.steps.get(step=Step.ANNOUNCEMENT)
    inspection_services.step_record(step, done_on=date(2026, 3, 5))
    inspection_services.subject_conclude(
        done.subjects.get(),
        result="shortcomings",
        concluded_on=date(2026, 4, 1),
        recommendations=[Recommendation("Bổ sung quy chế", date(2026, 6, 30))],
    )
    objects["fu:own"] = done.follow_ups.get()
    objects["insp:done"] = done
    return objects


def _make_cases() -> dict:
    """Discipline cases and a decision in 2026 (see the POLICY comment)."""
    from ktgs.discipline import appeals, decisions
    from ktgs.discipline import services as discipline

    day = date(2026, 6, 1)
    members = Member.objects.live().filter(current_unit__code="HA.DBK.001.01").order_by("-code")
    sibling = Member.objects.live().filter(current_unit__code="HA.DBK.002.01").first()

    def opened(unit_code: str, member, kind="inspection"):
        case = discipline.case_open(
            body=Body.objects.get(unit__code=unit_code, kind=kind), member=member, opened_on=day
        )
        discipline.violation_add(
            case,
            description="Vi phạm quy chế làm việc",
            kind="conduct",
            category="party_organisation",
            started_on=date(2025, 1, 1),
            ended_on=date(2025, 6, 1),
        )
        n = decisions.denominator_of(case.body, day)
        decisions.vote_record(
            case, body=case.body, role="decide", voted_on=day, counts={"warning": n}
        )
        return case

    own = opened("HA.DBK.001", members[0])
    own.pauses.create(starts_on=day, ends_on=day, reason="Chưa xem xét (ma trận truy cập)")
    cell = opened("HA.DBK.001.01", members[1], kind="cell_meeting")
    decision = decisions.decision_make(
        cell, body=cell.body, form="warning", signed_on=day, announced_on=day, received_on=day
    )
    appeal = appeals.appeal_file(
        decision, filed_on=day, resolver=Body.objects.get(unit__code="HA.DBK.001", kind="committee")
    )
    return {
        "case:own": own,
        "case:sibling": opened("HA.DBK.002", sibling),
        "decision:own": decision,
        "appeal:own": appeal,
    }


def _make_suspensions() -> dict:
    """Running suspensions (see the POLICY comment)."""
    from datetime import timedelta

    from django.utils import timezone

    from ktgs.discipline import suspensions

    day = timezone.localdate() - timedelta(days=10)

    def started(unit_code: str, cell_code: str, n: int):
        member = Member.objects.live().filter(current_unit__code=cell_code).order_by("-code")[n]
        return suspensions.suspension_start(
            member,
            body=Body.objects.get(unit__code=unit_code, kind="inspection"),
            starts_on=day,
            reason="Đình chỉ (ma trận truy cập)",
        )

    def org_started(unit_code: str, cell_code: str):
        return suspensions.suspension_start(
            unit=OrgUnit.objects.get(code=cell_code),
            body=Body.objects.get(unit__code=unit_code, kind="committee"),
            starts_on=day,
            reason="Đình chỉ hoạt động (ma trận truy cập)",
        )

    return {
        "susp:own": started("HA.DBK.001", "HA.DBK.001.01", 2),
        "susp:sibling": started("HA.DBK.002", "HA.DBK.002.01", 0),
        "susp:org_own": org_started("HA.DBK.001", "HA.DBK.001.01"),
        "susp:org_sibling": org_started("HA.DBK.002", "HA.DBK.002.01"),
    }


def _make_programmes() -> dict:
    """Programmes of 2026 with one item each (see the POLICY comment)."""

    def made(unit_code: str, number: str):
        programme = programme_services.programme_create(
            body=Body.objects.get(unit__code=unit_code, kind="inspection"),
            year=2026,
            number=number,
            issued_on=date(2026, 1, 5),
            title="Chương trình kiểm tra, giám sát (ma trận truy cập)",
        )
        programme_services.item_add(
            programme,
            kind="supervision_thematic",
            topic="Giám sát chuyên đề",
            quarter=2,
            subjects=[OrgUnit.objects.get(code=unit_code)],
        )
        return programme

    return {
        "prog:own": made("HA.DBK.001", "01-CTr/UBKTĐU"),
        "prog:parent": made("HA.DBK", "02-CTr/UBKTĐUK"),
        "prog:sibling": made("HA.DBK.002", "03-CTr/UBKTĐU"),
    }


def _make_letters() -> dict:
    """Letters received in 2026 (see the POLICY comment)."""
    from ktgs.accounts.access import Grant, Scope
    from ktgs.letters import services as letters

    def made(unit_code: str, secrecy=Secrecy.NORMAL, accused_unit: str | None = None):
        body = Body.objects.get(unit__code=unit_code, kind="inspection")
        scope = Scope(
            grants=(Grant(body.unit.path, "ubkt_leader"),),
            clearance=Secrecy.SECRET,
            roots=(OrgUnit.objects.get(code="HA").path,),
        )
        cell = Member.objects.live().filter(current_unit__path__startswith=body.unit.path)
        return letters.letter_register(
            scope=scope,
            body=body,
            received_on=date(2026, 3, 2),
            channel="post",
            kind="denunciation",
            anonymous=False,
            filer=letters.Filer(**CANARY),
            summary=f"Tố cáo (ma trận truy cập) {unit_code} {secrecy} {accused_unit}",
            accused_members=[] if accused_unit else [cell.order_by("code").first()],
            accused_units=[OrgUnit.objects.get(code=accused_unit)] if accused_unit else [],
            secrecy=secrecy,
        ).letter

    return {
        "letter:own": made("HA.DBK.001"),
        "letter:own/secret": made("HA.DBK.001", Secrecy.SECRET),
        "letter:accused_own": made("HA.DBK.001", accused_unit="HA.DBK.001"),
        "letter:parent": made("HA.DBK"),
        "letter:sibling": made("HA.DBK.002"),
    }


def _make_drafts(units: dict) -> dict:
    from ktgs.reports.models import ReportDraft

    def made(code: str) -> ReportDraft:
        unit = units.get(code) or OrgUnit.objects.get(code=code)
        return ReportDraft.objects.create(
            unit=unit, period_kind="nam", starts_on=date(2023, 1, 1), ends_on=date(2023, 6, 30)
        )

    def closed(code: str) -> PeriodClosure:
        unit = units.get(code) or OrgUnit.objects.get(code=code)
        return PeriodClosure.objects.create(
            unit=unit,
            slot="nam:2023-01-01:2023-12-31",
            period_kind="nam",
            period_params={"ky": "nam", "nam": "2023"},
            starts_on=date(2023, 1, 1),
            ends_on=date(2023, 12, 31),
            closed_at=timezone.now(),
        )

    return {
        "draft:own": made("HA.DBK.001"),
        "draft:sibling": made("HA.DBK.002"),
        "closure:own": closed("HA.DBK.001"),
        "closure:sibling": closed("HA.DBK.002"),
    }


def _make_accounts(units: dict) -> dict:
    """Users the administration pages are about (see the POLICY comment)."""

    def made(name: str, code: str):
        user = account_services.user_create(username=f"mt.quan-tri.{name}", password=PASSWORD)
        unit = units.get(code) or OrgUnit.objects.get(code=code)
        role = account_services.role_assign(
            user=user, unit=unit, role="inspector", starts_on=date(2020, 1, 1)
        )
        return user, role

    own, own_role = made("own", "HA.DBK.001.01")
    sibling, sibling_role = made("sibling", "HA.DBK.002")
    return {
        "user:own": own,
        "user:sibling": sibling,
        "role:own": own_role,
        "role:sibling": sibling_role,
    } | _make_settings(units)


def _make_settings(units: dict) -> dict:
    """An open term, attribute and issuer symbol of HA.DBK.001 and of its sibling."""
    from ktgs.documents.models import IssuerSymbol
    from ktgs.orgs.models import Term, UnitAttribute

    out = {}
    for relation in ("own", "sibling"):
        unit = units[UNIT_AT[relation]]
        day = unit.established_on
        body = Body.objects.filter(unit=unit).order_by("pk").first()
        out[f"term:{relation}"] = Term.objects.create(unit=unit, name="MT-TEST", starts_on=day)
        out[f"attr:{relation}"] = UnitAttribute.objects.create(
            unit=unit, key="party_groups", value=2, starts_on=day
        )
        out[f"symbol:{relation}"] = IssuerSymbol.objects.create(
            body=body, symbol="MTTEST", starts_on=day
        )
    return out


def _make_objects() -> dict:
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=UNIT_AT.values())}
    objects: dict = {relation: units[code] for relation, code in UNIT_AT.items()}
    objects["missing"] = Missing()
    for relation, cell_code in MEMBER_CELL_AT.items():
        members = Member.objects.live().filter(current_unit__code=cell_code).order_by("code")[:3]
        for member, secrecy in zip(members, CLEARANCES, strict=True):
            if secrecy != Secrecy.NORMAL:
                member = org_services.member_update(member=member, secrecy=secrecy)
            objects[f"{relation}/{secrecy}"] = member
            pdf = SimpleUploadedFile("Biên bản.pdf", b"%PDF-1.4\n%%EOF\n")
            objects[f"file:{relation}/{secrecy}"] = attachment_add(member, pdf)
    objects["rule:any"] = RuleRow.objects.filter(status="to_check", origin="pack").first()
    objects |= _make_drafts(units)
    objects |= _make_accounts(units)
    objects |= _make_letters()
    return objects | _make_inspections() | _make_programmes() | _make_cases() | _make_suspensions()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> World:
    with django_db_blocker.unblock(), transaction.atomic():
        users = _make_cast(OrgUnit.objects.get(code=HOME_UNIT))
        clients = {key: _signed_in(user, key[0] in TWO_FACTOR_ROLES) for key, user in users.items()}
        clients["anon", ""] = Client()
        objects = _make_objects()
        Letter.objects.update(handler=users[HANDLER])
        for letter in objects.values():
            if isinstance(letter, Letter):
                letter.refresh_from_db()  # the handler, read by may_see_identity
        yield World(clients=clients, users=users, objects=objects)
        transaction.set_rollback(True)


CHART_PAGES = ("reports:chart_svg", "reports:chart")


def _url(name: str, obj) -> str:
    """The page's URL for `obj`, by its code (units, members) or its id (the tree's nodes)."""
    if name == "orgs:pick":  # a profile of the picker, or one that does not exist
        profile = "dang-vien" if obj is None else "khong-co-loai-nay"
        return f"{reverse(name, args=[profile])}?q=nguyen"
    if name == "documents:template_download":  # a document type, or one that does not exist
        return reverse(name, args=["qd-ky-luat" if obj is None else "khong-co-loai-nay"])
    if obj is None:
        return reverse(name)
    if name in UNIT_QUERY_PAGES:
        return f"{reverse(name)}?don-vi={obj.code}"
    if name == "submissions:period":  # a period of the unit's sub-units
        return f"{reverse(name, kwargs={'code': obj.code})}?ky=nam&nam=2023"
    if name in INSPECTION_PARTS:  # a page about a step or a subject of an inspection
        part = INSPECTION_PARTS[name]
        sub = getattr(obj, part).order_by("pk").first() if hasattr(obj, part) else None
        return reverse(name, kwargs={"pk": obj.pk, f"{part[:-1]}_pk": sub.pk if sub else 1})
    if name in DRAFT_PAGES:  # a draft under its unit's report
        code = obj.unit.code if hasattr(obj, "unit") else obj.code
        return reverse(name, kwargs={"code": code, "pk": obj.pk})
    if name in OWNER_PAGES:  # a page about a record's files: the record's type and id
        return reverse(name, kwargs={"owner_type": "orgs.member", "owner_id": obj.pk})
    if name in CHART_PAGES:  # a chart of the report of a unit
        return reverse(name, kwargs={"code": obj.code, "name": "ktgs-chu-the"})
    try:
        return reverse(name, kwargs={"code": obj.code})
    except (NoReverseMatch, AttributeError):  # AttributeError: an attachment has no code
        return reverse(name, kwargs={"pk": obj.pk})


def _ask(world: World, key: tuple[str, str], name: str, url: str):
    client = world.clients[key]
    if name == "logout":  # would end the shared session: a fresh one for this request
        client = (
            Client()
            if key[0] == "anon"
            else _signed_in(world.users[key], key[0] in TWO_FACTOR_ROLES)
        )
    if name in POSTED:
        return client.post(url, {})
    headers = {"HX-Request": "true"} if name in HTMX else {}
    return client.get(url, headers=headers)


def _keys(column: str):
    return [("anon", "")] if column == "anon" else [(column, c) for c in CLEARANCES]


# --- the tests -------------------------------------------------------------------------------


def test_every_url_pattern_has_rows_in_the_policy():
    names = url_names()
    unnamed = [n for n in names if n.startswith("<unnamed")]
    assert not unnamed, f"every page needs a name to be in the access matrix: {unnamed}"
    in_table = {name for name, _obj in TABLE}
    assert not set(names) - in_table, f"pages missing from POLICY: {set(names) - in_table}"
    assert not in_table - set(names), (
        f"POLICY rows for pages that no longer exist: {in_table - set(names)}"
    )


@pytest.fixture
def server_log(caplog, capfd):
    """What the server logs (every level; the "django" logger does not propagate, see
    config/settings.py) and writes to stdout and stderr, during the test."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")  # as with KTGS_LOG_LEVEL=DEBUG
    django_logger = logging.getLogger("django")
    django_logger.addHandler(caplog.handler)
    try:
        yield lambda: caplog.text + "".join(capfd.readouterr())
    finally:
        django_logger.removeHandler(caplog.handler)


def _canary_shown(world: World, key: tuple[str, str], name: str, obj, response) -> list[str]:
    """What `response` shows wrongly of the canary: any needle, except on the identity view of
    a user who may see it, which must show them all."""
    hits = found_in(body_of(response))
    authorised = (
        name == IDENTITY
        and isinstance(obj, Letter)
        and key[0] != "anon"
        and may_see_identity(visible_to(world.users[key]), obj)
    )
    if authorised:
        return [] if set(hits) == set(NEEDLES) else [f"the identity not shown: {hits}"]
    return hits


@pytest.mark.parametrize(("name", "obj"), list(TABLE), ids=[f"{n}[{o}]" for n, o in TABLE])
def test_policy_row(world, db, name, obj, server_log):
    """Each user's answer is the row's; no response, log line or e-mail shows the canary."""
    record = None if obj == "-" else world.objects[obj]
    url = _url(name, record)
    wrong, leaks, refused = [], [], False
    for column, expected in TABLE[name, obj].items():
        for key in _keys(column):
            response = _ask(world, key, name, url)
            got = response.status_code
            refused |= got >= 400
            if got != expected[key[1]]:
                wrong.append(f"{key[0]}/{key[1] or '-'}: {got}, expected {expected[key[1]]}")
            if shown := _canary_shown(world, key, name, record, response):
                leaks.append(f"{key[0]}/{key[1] or '-'}: {shown}")
    assert not wrong, f"{name} {url} ({obj}):\n  " + "\n  ".join(wrong)
    assert not leaks, f"the canary in {name} {url} ({obj}):\n  " + "\n  ".join(leaks)
    logged = server_log()
    assert not refused or "django.request" in logged or "Not Found" in logged  # log captured
    assert not [n for n in NEEDLES if n in logged], f"the canary in the log of {name}"
    assert not [m.subject for m in mail.outbox if found_in(str(m.message()).encode())]


# --- list pages show only the rows the user may open -------------------------------------------

MEMBER_LINK = r'<a href="/dang-vien/([^/"]+)/">'
UNIT_LINK = r'<a[^>]* href="/to-chuc/([^/"]+)/">'


def _links(response, pattern: str) -> set[str]:
    return {code for code in re.findall(pattern, response.content.decode()) if code != "moi"}


def _opens(role: str, clearance: str, obj: str) -> bool:
    """Does POLICY let this user open the member `obj`?"""
    return TABLE["orgs:member_detail", obj][role][clearance] == 200


@pytest.mark.parametrize("role", [r for r in ROLES if r != "sysadmin"])
def test_member_lists_hold_only_members_the_user_may_open(world, db, role):
    """The register filtered on the chi bộ below, and that chi bộ's page: every member of the
    cell except those above the user's clearance; a member of another unit found by code: not
    listed."""
    cell = world.objects["child"]
    everyone = set(Member.objects.live().filter(current_unit=cell).values_list("code", flat=True))
    marked = {f"child/{s}": world.objects[f"child/{s}"].code for s in CLEARANCES}
    for clearance in CLEARANCES:
        client = world.clients[role, clearance]
        hidden = {code for obj, code in marked.items() if not _opens(role, clearance, obj)}
        expected = everyone - hidden
        listed = client.get(reverse("orgs:member_list"), {"don_vi": cell.code, "ca_cay": "0"})
        page = client.get(reverse("orgs:unit_detail", args=[cell.code]))
        assert _links(listed, MEMBER_LINK) == expected, (role, clearance)
        assert _links(page, MEMBER_LINK) == expected, (role, clearance)
        for obj in ("sibling/normal", "other/normal"):
            code = world.objects[obj].code
            found = client.get(reverse("orgs:member_list"), {"q": code})
            assert code not in _links(found, MEMBER_LINK), (role, clearance, obj)


MEMBER_OPTION = r'data-value="[^"]*\(([^)"]+)\)"'


@pytest.mark.parametrize("role", ROLES)
def test_picker_suggests_only_members_the_user_may_open(world, db, role):
    """The name picker asked for each member of the matrix by its exact code and by its name:
    suggested exactly when POLICY lets the user open the member's page."""
    pick = reverse("orgs:pick", args=["dang-vien"])
    members = [o for n, o in TABLE if n == "orgs:member_detail" and o != "missing"]
    for clearance in CLEARANCES:
        client = world.clients[role, clearance]
        for obj in members:
            member = world.objects[obj]
            opens = _opens(role, clearance, obj)
            for typed in (member.code, member.full_name):
                shown = set(
                    re.findall(MEMBER_OPTION, client.get(pick, {"q": typed}).content.decode())
                )
                assert (member.code in shown) == opens, (role, clearance, obj, typed)


def test_system_administrator_sees_units_and_figures_but_no_member(world, db):
    client = world.clients["sysadmin", Secrecy.SECRET]
    cell = world.objects["child"]
    page = client.get(reverse("orgs:unit_detail", args=[cell.code]))
    html = page.content.decode()
    assert page.status_code == 200 and cell.name in html
    assert not _links(page, MEMBER_LINK), "no member named or linked on a unit page"
    count = Member.objects.live().filter(current_unit=cell).count()
    assert f"Đảng viên sinh hoạt tại {cell.name} ({count})" in html  # the figure stays
    home = client.get(reverse("home")).content.decode()
    own = world.objects["own"]
    in_subtree = Member.objects.live().filter(current_unit__path__startswith=own.path).count()
    assert f"<dd>{format_int(in_subtree)}</dd>" in home  # the figure, shown…
    assert reverse("orgs:member_list") + "?don_vi=" not in home  # …not as a link


@pytest.mark.parametrize("role", ROLES)
def test_tree_lists_only_units_in_the_users_subtree(world, db, role):
    client = world.clients[role, Secrecy.NORMAL]
    own = world.objects["own"]
    outside = {world.objects[r].code for r in ("sibling", "parent", "other")}
    tree = _links(client.get(reverse("orgs:tree")), UNIT_LINK)
    children = _links(
        client.get(reverse("orgs:tree_children", args=[own.pk]), headers={"HX-Request": "true"}),
        UNIT_LINK,
    )
    assert own.code in tree and world.objects["child"].code in children
    assert not (tree | children) & outside
    assert all(code.startswith(own.code + ".") for code in children)
