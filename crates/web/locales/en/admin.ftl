# Pages of platform administrators and organisation administrators. Ids are
# shared with locales/ru/admin.ftl.

## Shared by these pages

admin-topic = Topic
admin-organisation = Organisation
admin-territory = Territory
admin-address = Address
admin-date = Date
admin-role = Role
admin-delete = Delete
admin-save = Save
admin-saved = Saved.
admin-yes = yes
admin-no = no

## Routing rules

admin-routing-title = Routing rules
admin-routing-lead = A message goes to the organisation named by the rule for its topic, or for its topic's responsibility area, in the narrowest territory that contains the place. A rule for a topic beats a rule for an area in the same territory.
admin-routing-new = New rule
admin-routing-area = Responsibility area
admin-routing-area-none = — or choose a topic below —
admin-routing-whole-region = the whole region
admin-routing-add = Add the rule
admin-routing-rules = Rules in force
admin-routing-area-or-topic = Area or topic
admin-routing-topic-named = topic
admin-routing-error-target = Choose either a responsibility area or one topic.
admin-routing-error-organisation = Choose an organisation.
admin-routing-error-exists = This area and territory already have a rule: delete the old one first.

## Houses and management companies

admin-houses-title = Houses and management companies
admin-houses-lead = Messages on management companies' topics about a house in the register go to that house's company — found by the address the resident gave, or as the nearest house within 40 metres of the point on the map. Houses outside the register follow the territory rules.
admin-houses-new = New house
admin-houses-lat = Latitude
admin-houses-lon = Longitude
admin-houses-company = Management company
admin-houses-add = Add the house
admin-houses-register = Register
admin-houses-point = Point
admin-houses-company-of = Management company of
admin-houses-no-company = none (by territory)
admin-houses-change = Change
admin-houses-error-address = Give the house's address: the street and the number.
admin-houses-error-point = Give the house's latitude and longitude within the region (for example, 56.40 and 42.99).
admin-houses-error-company = Choose a management company.
admin-houses-error-exists = A house with this address is already in the register.

## The production calendar

admin-calendar-title = Production calendar
admin-calendar-lead = Deadlines in working days are counted on this calendar. The federal calendar ships with the platform; an administrator's corrections (a regional holiday, the decree for a new year) override it for deadlines set after the change.
admin-calendar-years = Years
admin-calendar-working-days = Working days in the year:
admin-calendar-correction = Correction
admin-calendar-kind = What kind of day
admin-calendar-note = Grounds
admin-calendar-save = Save the correction
admin-calendar-special = Special days in
admin-calendar-none = This year has no special days: the days off are Saturday and Sunday. Add days from the decree that moves days off.
admin-calendar-day = Day
admin-calendar-source = Source
admin-calendar-corrected = correction
admin-calendar-undo = Undo
admin-calendar-federal = federal
admin-calendar-error-day = Give the date as YYYY-MM-DD.
admin-calendar-error-kind = Choose what kind of day it is.
admin-calendar-error-note = Give the grounds: the holiday or the decree.

## Platform security

admin-security-title = Platform security
admin-security-require-totp = Require staff to sign in with a second factor (a code from an app)

## An organisation's staff

admin-staff-title = Staff
admin-staff-sent = The invitation was sent to
admin-staff-name = Name
admin-staff-email = E-mail
admin-staff-totp = Second factor
admin-staff-with-subtree = (and the organisations below)
admin-staff-revoke = Revoke the role
admin-staff-pending = Awaiting an answer
admin-staff-until = until
admin-staff-cancel = Cancel
admin-staff-invite-title = Invite a staff member
admin-staff-invite-email = E-mail
admin-staff-include-subtree = Including the organisations below this one
admin-staff-invite = Invite
admin-staff-error-role = Choose a role from the list.
admin-staff-error-subtree = You do not manage the organisations below this one, so you cannot grant a role over them.

## API keys

admin-keys-title = API keys
admin-keys-lead = A key gives an information system access to the API on the organisation's behalf:
admin-keys-key = key
admin-keys-created = Key created. Copy it now — it will not be shown again:
admin-keys-name = Name
admin-keys-prefix = Key starts with
admin-keys-scopes = Scopes
admin-keys-created-at = Created
admin-keys-last-used = Last used
admin-keys-revoked = revoked
admin-keys-revoke = Revoke
admin-keys-new = New key
admin-keys-name-label = Name (which system)
admin-keys-may-read = read messages and the catalogue
admin-keys-may-submit = submit messages
admin-keys-may-incidents = pass on posts from social networks (incidents)
admin-keys-create = Create the key
admin-keys-scope-read = read
admin-keys-scope-submit = submit
admin-keys-scope-incidents = incidents
admin-keys-error-name = Name the key (up to 100 characters): which system it is for.
admin-keys-error-scopes = Tick at least one scope.

## Answer templates

admin-templates-title = Answer templates
admin-templates-lead = Staff start an answer from a template on the message's page and add to it.
admin-templates-name = Title
admin-templates-text = Text
admin-templates-any-topic = any
admin-templates-new = New template
admin-templates-save = Save the template
admin-templates-error-title = Give the template a title (up to 100 characters).
admin-templates-error-text = Write the template's text (up to 4000 characters).

## The audit log

admin-audit-title = Audit log
admin-audit-action = Action
admin-audit-all = all
admin-audit-actor = Staff member (id)
admin-audit-object = Object
admin-audit-object-id = Object number
admin-audit-from = From
admin-audit-until = Until
admin-audit-show = Show
admin-audit-when = When (UTC)
admin-audit-who = Who
admin-audit-detail = Details
admin-audit-ip = IP address
admin-audit-earlier = Earlier
admin-audit-api-key = API key
admin-audit-error-number = Staff member and object numbers are whole numbers.
admin-audit-error-date = Dates are in the format YYYY-MM-DD.
