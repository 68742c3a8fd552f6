# The staff's case work: the inbox, the moderation queue and the case page.
# Ids are shared with locales/ru/casework.ftl.

## Inbox and moderation queue

inbox-title = Inbox
inbox-moderation-title = Moderation
inbox-open = open
inbox-any = any
inbox-any-feminine = any
inbox-due-soon = due within 3 days
inbox-due-overdue = overdue
inbox-mine = assigned to me
inbox-empty = Nothing here yet.
# HTML: the keys are marked up.
inbox-keys = Keys: <kbd>j</kbd> and <kbd>k</kbd> move between rows, <kbd>Enter</kbd> opens, <kbd>/</kbd> goes to the filters.
inbox-select = Select
inbox-number = Number
inbox-bulk = With the selected
inbox-bulk-action = Action
inbox-bulk-assign = assign an executor
inbox-bulk-redirect = redirect
inbox-bulk-reason = Reason for redirecting
inbox-bulk-run = Apply
inbox-bulk-done = Done: { $done }.
inbox-bulk-partly = Done: { $done }. Not done: { $failed } — the action is not possible for them now.
# An appeal waiting for registration: the day it must be registered by.
inbox-register-by = register by { $date }

## Case page

case-message = Message
case-appeal = Appeal
case-done = Done: the action is taken.
case-status = Status
case-topic = Topic
case-organisation = Organisation
case-territory = Area
case-assignee = Executor
case-due = Deadline
case-address = Address
case-no-organisation = not chosen
case-no-assignee = not assigned
case-author = Author
case-author-name = Name
case-author-email = E-mail
case-author-phone = Phone
case-audited = Viewing personal data is recorded in the audit log.
case-text = Text
case-history = History
case-internal-comment = Internal comment
case-files = Documents of the answer
case-file-unpublished = waits for the answer's approval
case-size-kb = { $size } KB
case-size-mb = { $size } MB
case-pending = The answer awaits approval
case-approve = Approve and send to the author
case-actions = Actions
case-route-to = Pass to the organisation
case-route = Approve and pass on
case-correct-keep = keep as is
case-correct = Correct the topic and place
case-clarify-question = Question to the author
case-clarify-days = Days to answer
case-clarify = Ask for details
case-reject-reason = Reason for rejection
case-reject-comment = Explanation
case-reject = Reject
case-duplicate-of = Duplicate of message (record number)
case-duplicate = Mark as a duplicate
case-assign-to = Assign an executor
case-assign = Assign
case-start-work = Start work
case-interim-text = Interim answer
case-interim-planned = Planned date
case-interim = Give an interim answer
case-answer-template = Start from a template:
case-answer-text = Answer to the author
case-answer-files = Documents of the answer
case-answer-files-hint = Up to 5 files of 10 MB each: PDF, DOCX, ODT, JPEG, PNG, WebP. If the form comes back with an error, choose the files again.
case-answer = Answer
case-redirect-to = Redirect to
case-redirect-reason = Reason
case-redirect = Redirect
case-copy-lead = Does the question concern another body too? Send it a copy of the appeal within 7 days of registration: the copy gets its own number and deadline, and the author is notified.
case-copy-to = Send a copy to
case-copy-questions = Which questions are within its competence
case-copy = Send a copy
case-decline-ground = No answer on the merits, on the ground
case-decline-comment = Explanation to the author
case-decline = Notify the author
case-extend-days = Extend by (days)
case-extend-reason = Reason (the author will see it)
case-extend = Extend the deadline
case-convert-lead = Turn into a formal appeal under 59-FZ: the deadline becomes 30 days from registration, and the message is no longer published.
case-convert = Turn into an appeal
case-complaint-lead = Is the message a complaint about this organisation? It goes to the supervising body and does not come back here.
case-complaint = It is a complaint about us
case-comment-text = Internal comment (not shown to the author)
case-comment = Add the comment

## Case page: why an action did not happen

case-stale = The form has expired. Check the data and send it again.
case-unknown-target = The chosen organisation, message or executor does not fit.
case-files-answer-only = Files may be attached to an answer only.
case-files-too-many = { $n ->
    [one] At most { $n } file may be attached.
   *[other] At most { $n } files may be attached.
}
case-file-too-large = The file «{ $name }» is larger than { $mb } MB.
case-file-not-accepted = The file «{ $name }» does not fit: attach PDF, DOCX, ODT or JPEG, PNG, WebP images.
case-form-unreadable = The form could not be read: send it again.
case-error-choose = Choose a value from the list.
case-error-clarify-days = Give a number of days from 1 to 10.
case-error-reject-reason = Choose the reason for rejection.
case-error-planned = Give the planned date.
case-error-days = Give a number of days.
case-error-score = Give a rating from 1 to 5.
case-error-ground = Choose a ground from the list.
case-error-command = Unknown action.
