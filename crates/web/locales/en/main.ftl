# English: the platform's second language. Message ids are shared with
# locales/ru/main.ftl; a test checks that both have every id.

## Site

site-name = Vmeste
skip-to-content = Skip to content
nav-label = Main menu
nav-messages = Messages
nav-map = Map
nav-statistics = Statistics
nav-report = Report a problem
nav-my = My messages
nav-login = Sign in
nav-logout = Sign out
footer-about = Vmeste («Together») is an open feedback platform. Authors' personal data is never published.
footer-api = API
language-switch = Русский
language-switch-code = ru
language-switch-label = Site language

## Counts

messages-count = { $n ->
    [one] { $n } message
   *[other] { $n } messages
}
residents-count = { $n ->
    [one] { $n } resident
   *[other] { $n } residents
}
photos-count = { $n ->
    [one] { $n } photo
   *[other] { $n } photos
}

## Field errors: error-{code}, or error-{field}-{code} for a field's own wording

error-required = This field is required.
error-location-required = Give the place: a point on the map, coordinates or a district.
error-too-short = Too short: at least { $limit } characters.
error-too-long = Too long: at most { $limit } characters.
error-not-a-number = Enter a number, for example 56.3912.
error-out-of-range = The number must lie between −{ $limit } and { $limit }.
error-unknown-topic = Choose a topic from the catalogue.
error-inactive-topic = This topic no longer takes messages: choose another.
error-outside-region = This place lies outside the region: choose a point within it.
error-unknown-territory = Choose a district from the list.
error-control-characters = The text contains control characters that are not allowed.
error-wrong-type = Wrong type of value: a string or a number was expected.
error-bbox-wrong-type = The map box: four comma-separated numbers — west, south, east, north.
error-unknown-value = Unknown value.
error-invalid-format = The value is not in the expected format.
error-in-future = This time has not come yet.
error-url-invalid-format = The post's address is needed: http:// or https:// and a domain.
error-photos-invalid-format = Each photo is an http:// or https:// address.
error-photos-too-long = At most { $limit } photos.
error-posted-at-invalid-format = A time in ISO 8601 with a time zone, for example 2026-03-02T12:30:00+03:00.
error-source-invalid-format = Lower-case Latin letters, digits, "-" and "_", for example vk or telegram.

## Events of a message's history

event-created = Message sent
event-send-to-moderation = Sent to moderation
event-request-clarification = The moderator asked for details
event-provide-clarification = The author gave details
event-reject = Rejected by the moderator
event-mark-duplicate = Marked as a repeat of another message
event-route = Passed to the responsible organisation
event-redirect = Redirected to another organisation
event-start-work = Work started
event-extend = Deadline extended
event-interim-answer = Interim answer
event-answer = Answered
event-dispute = The author disputed the answer
event-close = Closed
event-rate = The author rated the answer
event-approve-answer = Answered with the head's approval
event-mark-complaint = The complaint went to the supervising body
event-send-copy = A copy went to another body
event-copy = A copy of an appeal received
event-decline-on-merits = No answer on the merits
event-correct = The moderator corrected the topic or place
event-other = Change

## Notifications

notification-routed = The message was passed to the organisation
notification-redirected = The message was redirected
notification-clarification-requested = The moderator asks for details
notification-rejected = The message was rejected
notification-duplicate = The message was merged with an earlier one
notification-interim-answer = Interim answer
notification-answered = Answered — please rate the answer
notification-extended = The deadline was extended
notification-closed = The message was closed
notification-converted = The message became a formal appeal
notification-copy-sent = A copy of the appeal went to another body
notification-new-in-inbox = A new message in the inbox
notification-assigned = A message was assigned to you
notification-due-soon = The deadline is near
notification-overdue = The deadline has passed
notification-disputed = The author disputed the answer
notification-answer-to-approve = An answer awaits your approval
notification-registration-overdue = An appeal was not registered within 3 days
notification-other = A change in a message

## The API documentation page
api-docs-title = API documentation
api-docs-lead = The REST API at /api/v1: JSON in and out. This page is made from the API's OpenAPI 3.1 document.
api-docs-document = The OpenAPI document (JSON)
api-docs-basics = The basics
api-docs-auth = Calling it: public reads need nothing; an integrator sends its organisation's key as «Authorization: Bearer vmk_…» (keys are issued on the organisation's API keys page, with the scopes read and submit); a person's session cookie works too.
api-docs-errors = Errors are problem documents (RFC 9457, application/problem+json) with a stable «code»; «title» and «detail» follow Accept-Language (Russian or English).
api-docs-pages = Lists come a page at a time: pass the answer's «next_cursor» as «cursor» for the next page; «limit» is 1 to 100.
api-docs-idempotency = Every POST takes an «Idempotency-Key» header (1 to 255 visible ASCII characters): a retry with the same key and body gets the first answer again, with «Idempotent-Replayed: true», and never acts twice. Keys belong to the caller and live 24 hours.
api-docs-contents = Contents
api-docs-schemas = Schemas
api-docs-security = Who may call it
api-docs-parameters = Parameters
api-docs-name = Name
api-docs-in = In
api-docs-type = Type
api-docs-required = Required
api-docs-description = Description
api-docs-yes = yes
api-docs-no = no
api-docs-request-body = Request body
api-docs-responses = Responses
api-docs-status = Status
api-docs-example = Example

## Titles of the API's problem documents

problem-validation-failed = The data did not pass validation
problem-invalid-parameters = Invalid query parameters
problem-malformed-request = The request could not be parsed
problem-unsupported-media-type = Unsupported request body format
problem-not-found = Not found
problem-method-not-allowed = Method not allowed
problem-too-many-requests = Too many requests: try again later
problem-payload-too-large = Request too large
problem-unauthorized = Sign-in or an API key is required
problem-invalid-api-key = The API key is unknown or revoked
problem-transition-refused = The action on the message is refused
problem-forbidden = Not allowed
problem-idempotency-key-reused = This Idempotency-Key was used for another request
problem-idempotency-key-in-use = A request with this Idempotency-Key is still running
problem-invalid-idempotency-key = The Idempotency-Key header is invalid
problem-message-closed = The message is closed
problem-other = Internal server error

## Message page

supporters-more = { $n ->
    [one] One more resident is affected.
   *[other] { $n } more residents are affected.
}

## Home page

home-title = Home
home-hero = Report a problem — it will be solved
home-lead = A pothole, a broken street light, rubbish not collected? Describe the problem and mark the place: the message goes to the organisation responsible, and you will see when and how it is solved.
home-recent = Latest messages
home-none = No messages yet.
home-all = All messages
home-topics = Topics

## Public list

list-title = Residents' messages
list-on-map = Show on the map

## Filters

filters-label = Filters
filters-find = Find
filters-find-example = e.g. pothole by the school
filters-category = Category
filters-all-categories = All categories
filters-topic = Topic
filters-all-topics = All topics
filters-status = Status
filters-all-statuses = All statuses
filters-period = Period
filters-all-time = All time
filters-territory = Area
filters-whole-region = The whole region
filters-organisation = Organisation
filters-all-organisations = All organisations
filters-show = Show
filters-reset = Reset

## Results

results-not-applied = The filter is not applied:
results-none = Nothing found.
results-next = Next page

## Map

map-title = Map of messages
map-as-list = As a list
map-help = Keyboard: the arrows move the map, «+» and «−» zoom, Tab goes from marker to marker, Enter opens one. The list beside shows the same messages.
map-list = Messages in this area
map-attribution = © OpenStreetMap contributors

## Report form

report-error-title = Error: report a problem
form-check = Check the form
report-find-label = Find the topic by words
report-find-hint = For example: «pothole», «street light out», «rubbish in the yard».
report-find = Find the topic
report-found-none = No topics for these words — choose from the list below
report-found = Matching topics
report-choose-topic = Choose a topic
report-text = Describe the problem
report-text-hint = What happened and where exactly. 10 to 4000 characters. Leave out personal data: the text will be published.
report-photos-hint = Up to 5 photos, JPEG, PNG or WebP, up to 10 MB each. If you give no place below, the photo's geotag becomes it; the geotags and everything else about the shot are removed.
report-photos-chosen = Chosen photos
report-photo = Photo
report-photo-remove = Remove
report-photos = Photos
report-where = Where
report-address = Address or landmark
report-address-hint = For example: «ул. Ленина, 10». A house in the register is found on the map for you; a landmark («by the park gate») helps whoever fixes it.
report-map-chosen = The point is chosen on the map.
report-locating = Finding your location…
report-located = The coordinates are filled in from your location.
report-locate-failed = Your location could not be found: give an address or a point on the map.
report-locate = My location
report-territory = District or part of town
report-territory-none = Not chosen
report-from-photo = The coordinates come from the photo's geotag — check them.
report-coordinates-hint = Coordinates are more precise than a district; on the map, a tap chooses them.
report-lat = Latitude
report-lon = Longitude
report-appeal = This is a formal appeal (59-FZ): answered within 30 days, never published
report-next = Next: check

## Report preview

preview-title = Check your message
preview-lead = This is the message as it will be sent. If something is wrong, go back and correct it — nothing you entered is lost.
similar-title = Already reported nearby — support it?
similar-lead = Open messages on this topic already lie near the place you gave. If it is the same problem, support that message: you will get its notices, and the organisation will see that the problem affects many.
similar-support = Support this message
similar-sign-in = Sign in
similar-sign-in-rest = { " " }to support the message and follow it.
similar-other = A different problem? Send your own message below.
preview-appeal = Formal appeal
preview-message = Your message
preview-text = Description
preview-place = Place
preview-house = House found in the register:
preview-coordinates = Coordinates:
preview-from-photo = (from the photo's geotag)
preview-no-photos = None
preview-to = To
preview-moderator = The regional centre's moderator will choose the organisation responsible
preview-appeal-note = The appeal is not published; the answer comes within 30 days.
preview-public-note = The text and the place will be published without your personal data.
preview-send = Send
preview-edit = Change

## Sign-in

login-title-short = Sign in
login-with = Sign in with
login-or-email = or with your e-mail:
login-email = E-mail
login-password = Password
login-forgot = Forgot your password?
login-signup = Sign up

## Sign-up

signup-title = Sign up
form-error-prefix = Error: 
signup-name = What to call you
signup-password = Password (at least 10 characters)
signup-note = We will send a link to confirm the address. Have an account already? 
period-days = { $n ->
    [7] Last week
    [30] Last month
    [90] Last three months
    [365] Last year
   *[other] Last { $n } days
}

## Report form: errors

report-form = Form
report-stale = The form has expired or is open in another window. Check what you entered and send it again.
report-too-many = Too many messages in a row. Wait a minute and send again — what you entered is kept.
report-too-large = The files are too large: at most { $n } photos of 10 MB each.
report-unreadable = The form could not be read: please fill it in again.
report-appeal-unidentified = Only a person with a confirmed e-mail address, or signed in through Gosuslugi, may file a formal appeal.
report-address-unknown = The address «{ $address }» is not in the house register, so its point cannot be found for you. Give the place on the map, coordinates or a district — the address stays in the message.
photo-too-many = { $n ->
    [one] At most one photo may be attached.
   *[other] At most { $n } photos may be attached.
}
photo-too-large = The photo «{ $name }» is larger than { $mb } MB.
photo-not-a-photo = The file «{ $name }» is not a photo: JPEG, PNG or WebP will do.
photo-heic = The photo «{ $name }» is in HEIC format: save it as JPEG (in the camera settings, «Most compatible») and attach it again.
photo-too-many-pixels = The photo «{ $name }» has too many pixels (more than { $mp } MP).
photo-unreadable = The photo «{ $name }» could not be read: the file may be damaged.
photo-storage-down = Photos cannot be stored right now. Try again in a minute — everything else is kept.

## Statistics

stats-name = Name
stats-received-col = Received
stats-answered-col = Answered
stats-on-time-col = On time
stats-rating-col = Average rating

## Statistics page

stats-received = Received
stats-answered = Answered
stats-on-time = Answered on time
stats-rating = Average rating of answers
stats-overdue = Overdue cases
stats-by-month = By month
stats-months-caption = Received and answered by month
stats-month = Month
stats-by-category = By category
stats-by-territory = By area
stats-by-organisation = By organisation
stats-chart-months = Messages received by month
stats-chart-categories = Messages by category
stats-chart-territories = Messages by area
# A month's name by its number, as a table's row heading.
month = { $n ->
    [1] January
    [2] February
    [3] March
    [4] April
    [5] May
    [6] June
    [7] July
    [8] August
    [9] September
    [10] October
    [11] November
   *[12] December
}

## My messages

my-none = You have not reported any problems yet.
my-open = open
my-due = Answer due: 
my-following = I follow
my-following-none = On a published message's page, press «This affects me too» to get its notices.

## Message page

message-title = Message No.
message-of = of
message-category = Category
message-organisation = Organisation responsible
message-address = Address
message-coordinates = Coordinates
message-due = Answer due
message-text = Message text
message-pending = The message's text will be published once a moderator has checked it.
message-following = You follow this message and get its notices.
message-unfollow = Stop following
message-follow = This affects me too — follow
message-files = Documents of the answer
message-clarify = Details for the moderator
message-clarify-send = Send the details
message-rate = Rate the answer
message-resolved = Is the problem solved?
message-yes = yes
message-no = no
message-rate-send = Rate
message-dispute = Disagree with the answer? Say what is wrong
message-dispute-send = Dispute the answer
message-history = History
my-clarify = The moderator awaits your details
my-rate = Answered: rate the answer or dispute it
form-stale = The form has expired. Send it again.

## Error pages

error-not-found = Page not found
error-not-found-detail = There is no such page, or the message is not published.
error-forbidden = Not allowed
error-forbidden-detail = Your role or organisation gives no access to this page.
error-internal = Something went wrong
error-internal-detail = We already know about the error. Try reloading the page a little later.
request-too-large = The request is too large.

## Sign-in and sign-up: messages

login-too-many = Too many sign-in attempts. Wait a minute.
login-wrong = Wrong e-mail address or password.
signup-too-many = Too many sign-ups from your address. Try again in an hour.
signup-name-required = Say what to call you.
signup-name-too-long = The name must be at most 100 characters long.
signup-check-mail = Check your e-mail
signup-sent = We sent a letter to { $email }. Follow its link to confirm the address.
signup-spam = No letter? Look in the spam folder, or ask for the link again from your account page after signing in.
map-cluster = Messages here: {"{"}n{"}"}. Zoom in

## Report form: steps on a phone

report-step-topic = Topic
report-step-text = Description and photos
report-step-place = Place
report-step-next = Next
report-step-back = Back
report-step-of = Step {"{"}n{"}"} of {"{"}total{"}"}

## Open311

open311-not-found = No such Open311 resource: paths end in .json or .xml.
open311-bad-query = The query parameters could not be parsed.
open311-unknown-jurisdiction = This jurisdiction is not served here.
open311-unknown-service = No such service (service_code).
open311-internal = Internal server error.
open311-contact = Questions about the API go to this region's Vmeste platform administrator.
open311-unknown-request = No such request (service_request_id), or it is not public.
open311-unknown-token = No request has this token.
open311-bad-request-id = service_request_id takes request ids separated by commas.
open311-bad-status = status takes open and closed, separated by commas.
open311-bad-start-date = start_date is not a date: use ISO 8601, such as 2026-01-01T00:00:00+03:00.
open311-bad-end-date = end_date is not a date: use ISO 8601, such as 2026-01-31T23:59:59+03:00.
open311-window-reversed = end_date is before start_date.
open311-window-too-long = From start_date to end_date may not span more than 90 days.
open311-bad-page = page counts from 1; page_size is from 1 to 1000.
open311-unreadable = The request body could not be read: send a form (application/x-www-form-urlencoded or multipart/form-data).
open311-key-required = Submitting a request needs an api_key.
open311-key-refused = This api_key is not accepted: it is unknown, revoked or may not submit requests.
open311-too-many = Too many requests in a row: try again later.
open311-too-many-photos = { $n ->
    [one] At most { $n } photo may be attached.
   *[other] At most { $n } photos may be attached.
}
open311-service-required = Give a service_code from the services list.
open311-notice = The request is registered under number { $number }. Its progress shows on its page.

## Deadlines

remaining-today = due today
remaining-overdue = { $n ->
    [one] overdue by { $n } day
   *[other] overdue by { $n } days
}
remaining-working = { $n ->
    [one] { $n } working day left
   *[other] { $n } working days left
}
remaining-days = { $n ->
    [one] { $n } day left
   *[other] { $n } days left
}

## Webhooks

webhooks-title = Webhooks
webhooks-intro = The organisation's information system receives events about messages: we POST JSON to its address, signed with a secret (HMAC-SHA256).
webhooks-secret-once = Subscription created. Copy the secret now: it will not be shown again. Use it to check the X-Vmeste-Signature header.
webhooks-none = No subscriptions yet.
webhooks-url = Address
webhooks-events = Events
webhooks-reach = Which messages
webhooks-condition = Condition
webhooks-log = Delivery log
webhooks-ping = Test
webhooks-disable = Switch off
webhooks-enable = Switch on
webhooks-delete = Delete
webhooks-new = New subscription
webhooks-url-label = Receiving address (http or https)
webhooks-create = Subscribe
webhooks-how = Each event is delivered up to 8 times with growing pauses until the address answers with a 2xx code. If deliveries fail for a day (at least 20 failed attempts in a row), the subscription switches itself off; switch it on again once the receiver works.
webhooks-event-created = new message
webhooks-event-routed = message routed to an organisation
webhooks-event-status-changed = other status changes
webhooks-event-answered = answered
webhooks-event-rated = resident rated the answer
webhooks-event-ping = test
webhooks-reach-organisation = messages routed to the organisation
webhooks-reach-subtree = messages of the organisation and those below it
webhooks-reach-region = every message of the region, from submission
webhooks-on = working
webhooks-failing = { $n ->
    [one] working; { $n } failed attempt in a row
   *[other] working; { $n } failed attempts in a row
}
webhooks-off-manual = switched off by hand
webhooks-off-failing = switched off automatically
webhooks-off-failing-why = Deliveries failed for a day; check the log and switch the subscription on again.
webhooks-url-invalid = Enter a full address, such as https://example.org/vmeste/hook.
webhooks-url-scheme = The address must start with http:// or https://.
webhooks-url-credentials = Remove the user name and password from the address: requests are signed with the secret.
webhooks-url-too-long = The address is longer than 2000 characters.
webhooks-events-required = Tick at least one event.
webhooks-reach-required = Choose which messages to tell about.
webhooks-log-title = Delivery log
webhooks-back = All the organisation's subscriptions
webhooks-log-empty = No delivery attempts yet.
webhooks-log-at = Time
webhooks-log-event = Event
webhooks-log-delivery = Delivery
webhooks-log-attempt = Attempt
webhooks-log-result = Result
webhooks-log-duration = Answer time, ms
webhooks-log-response = Answer
webhooks-log-show = show

## The widget on organisations' sites

widget-sent-title = Message sent
widget-sent-number = Message number:
widget-sent-lead = Progress and the answer will be on the message's page on the platform.
widget-sent-open = Open the message on the platform (in a new tab)
widget-sent-private = The message was received; it is not published on the platform's site.
widget-sent-again = Report another problem
widget-admin-title = The «Report a problem» widget
widget-admin-lead = A button on the organisation's site opens the platform's report form right on the site's page. Paste the code into the site and list the sites allowed to show the form.
widget-admin-snippet = Code for the site
widget-admin-snippet-hint = Paste it into the page's HTML where the button should be. Without JavaScript the site keeps a plain link to the form.
widget-admin-preview = This is the button
widget-admin-preview-hint = Here the form opens in a new tab.
widget-admin-sites = Sites where the form opens over the page
widget-admin-sites-none = None yet: on sites the form opens in a new tab.
widget-admin-site = Site address
widget-admin-site-hint = Scheme and domain (and the port, if not the usual one), no path: https://admin.example.org. To try it on your computer: http://localhost:8000.
widget-admin-site-add = Add the site
widget-admin-site-remove = Remove
widget-admin-settings = Look and presets
widget-admin-topic = Topic to start with
widget-admin-topic-none = The resident chooses
widget-admin-lang = Language of the form
widget-admin-background = Button colour
widget-admin-color = Button text colour
widget-admin-text = Button text
widget-admin-mode = How the form opens
widget-admin-mode-iframe = Over the site's page (in a new tab on phones)
widget-admin-mode-page = In a new tab
widget-admin-save = Save
widget-admin-saved = Settings saved. Update the code on the site.
widget-error-origin = Give the site: https:// and the domain without a path, for example https://admin.example.org (http:// only for localhost).
widget-error-origin-known = This site is already listed.
widget-error-origin-many = At most { $n } sites may be listed.
widget-error-colour = A colour as #RRGGBB, for example #0b5cad.
widget-error-text = Button text of 1 to 60 characters on one line.
widget-error-choice = Choose a value from the list.

## Incidents: posts from social networks for the regional centre

incidents-title = Incidents from social networks
incidents-lead = Posts about problems found by monitoring tools. Turn a post into a message or dismiss it with a reason.
incidents-status = Status
incidents-source = Network
incidents-any = all
incidents-show = Show
incidents-none = No incidents.
incidents-received = Received
incidents-text = Text
incidents-open = Open
incident-status-new = new
incident-status-converted = became a message
incident-status-dismissed = dismissed
incident-title = A post from a social network
incident-posted = Posted
incident-author = Author
incident-author-note = personal data: never published, never copied into the message
incident-original = The original post
incident-point = Coordinates
incident-photos = Photos (links)
incident-convert = Turn into a message
incident-convert-lead = Check the topic, text and place. The message is routed as usual; it has no author.
incident-convert-send = Create the message
incident-dismiss = Dismiss
incident-dismiss-reason = Reason
incident-dismiss-send = Dismiss the post
incident-converted = The post became message No. { $number }.
incident-dismissed = The post was dismissed: { $reason }
incident-error-author = Take the post author's name out of the text: it is personal data.
incident-error-reason = Write the reason (up to 500 characters).
incident-error-decided = This post has already been decided on.

## The routing classifier's suggestions in moderation, and auto-route
suggest-title = Classifier's suggestion
suggest-topics = Likely topics
suggest-organisations = Likely organisations
suggest-because = words: { $words }
suggest-precedent = { $percent } % of the messages just before went here
suggest-similar = a similar message ({ $percent } % alike) was decided so
suggest-related-topic = { $percent } % of messages on «{ $name }» go here
suggest-related-organisation = { $percent } % of messages sent to «{ $name }» are on this topic
suggest-none = The classifier found no fitting topic.
suggest-rules-decide = The routing rules decide the organisation for this place: { $name }.
suggest-apply-hint = A link fills the topic or organisation into the form below; the decision stays yours.
auto-route-title = Automatic routing
auto-route-explain = When a topic has a threshold, its messages skip moderation: they are routed at once when the classifier's confidence in the topic is at least the threshold, the topic is the one the resident chose, and the routing rules (or, without a rule, the classifier's suggestion) decide the organisation. The message's history records the confidence and the words it was routed on. An empty field means off (the default). Start with high thresholds (90–95 %) and check the model's accuracy below.
auto-route-threshold = Threshold, %
auto-route-off = off
auto-route-save = Save
auto-route-threshold-invalid = The threshold is a whole number from 50 to 100, or empty (off).
auto-route-models = Classifier models
auto-route-models-explain = The model retrains itself once enough new moderator decisions have gathered; a new model replaces the active one only if it guesses the topic at least as well on the held-out slice. The previous model is kept for rollback.
auto-route-model-status = Status
auto-route-model-trained-on = Trained on
auto-route-model-topic-top1 = Topic accuracy (top 1 / top 3)
auto-route-model-organisation-top1 = Organisation accuracy (top 1 / top 3)
auto-route-model-rival = Previous model on the same slice
auto-route-model-created = Created
auto-route-rollback = Roll back to the previous model
auto-route-no-model = No model yet: one appears after the first retraining.
model-status-active = active
model-status-previous = previous (for rollback)
model-status-rejected = rejected
model-status-retired = archived
