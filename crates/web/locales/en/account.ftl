# English: the account and sign-in pages. Message ids are shared with
# locales/ru/account.ftl; a test checks that both have every id.

## The account page

account-title = Your account
account-saved = Changes saved.
account-email = E-mail
account-confirmed = confirmed
account-unconfirmed = not confirmed
account-resend = Send the link again
account-profile = Profile
account-name = Name
account-phone = Phone (optional)
account-locale = Language of the site and e-mails
account-notify = Notices by e-mail
account-notify-progress = about my messages' progress and answers
account-notify-news = about votes and discussions in my district
account-staff-mail = E-mails about case work
account-staff-mail-hint = Notices always show on the site; by e-mail, as suits you.
account-staff-mail-digest = in one digest a day
account-staff-mail-each = an e-mail for each event
account-staff-mail-none = none
account-save = Save
account-news = Notices
account-roles = Roles
account-security = Security
account-sign-out-everywhere = Sign out on all devices
account-delete = Delete the account
account-name-invalid = Give a name of at most 100 characters.
account-phone-invalid = Enter the phone number in digits, for example +7 912 345-67-89.

## Roles, and the pages each opens

account-role-in = { $role }, { $organisation }
account-role-in-subtree = { $role }, { $organisation } and those below it
account-link-staff = Staff
account-link-api-keys = API keys
account-link-inbox = Inbox
account-link-moderation = Moderation
account-link-routing = Routing rules
account-link-houses = Houses and management companies
account-link-calendar = Working-day calendar
account-link-audit = Audit log
account-link-security = Platform security
account-link-region-webhooks = The region's webhooks
account-link-templates = Answer templates

## The second factor

account-second-factor = Signing in with an app code
account-second-factor-required = Platform staff need a second factor. Turn it on to continue.
account-second-factor-on = The second factor is on: signing in asks for a code from your authenticator app.
account-second-factor-how = Add the account to an authenticator app (such as Yandex Key or FreeOTP): type in the key or open the link on your phone.
account-second-factor-key = Key:
account-second-factor-open = Open in the app
account-second-factor-code = Code from the app
account-second-factor-current-code = Current code, to turn it off
account-second-factor-enable = Turn on
account-second-factor-disable = Turn off
account-code-title = Confirmation code
account-code-lead = Enter the 6 digits from your authenticator app.
account-code = Code
account-code-wrong = Wrong code. Enter the 6 digits the app shows now.
account-code-locked = Too many wrong codes. Try again later.

## Deleting the account

account-delete-title = Deleting the account
account-delete-lead = Your name, e-mail address and phone number will be deleted. Your messages stay on the platform without an author, with their history. Deletion cannot be undone.
account-delete-password = Password, to confirm
account-delete-understood = I understand that deletion cannot be undone
account-delete-unconfirmed = Tick the box to confirm that deletion cannot be undone.
account-wrong-password = Wrong password.
account-deleted = Account deleted
account-deleted-detail = Your personal data has been deleted. Your messages stay on the platform without an author.
account-home = Go to the home page

## Signing out

account-logout-title = Sign out
account-logout-question = Sign out?
account-cancel = Cancel

## Passwords and e-mail links

account-forgot-title = Reset your password
account-send-link = Send the link
account-reset-too-many = Too many requests. Try again later — the letter may have arrived already.
account-reset-sent = If this address is registered, a letter with a link to change the password is on its way to it. The link works for 1 hour.
account-new-password-title = New password
account-new-password = New password (at least 10 characters)
account-save-password = Save the password
account-your-name = Your name
account-dead-link = The link no longer works
account-reset-link-dead = The link has expired or has been used already. Ask for a new one.
account-ask-link = Ask for a link
account-password-changed = Password changed
account-password-changed-detail = Sign in with the new password. You have been signed out on other devices.
account-email-confirmed = Address confirmed
account-email-confirmed-detail = Thank you! Notices about your messages now come to this address.
account-confirm-link-dead = The link has expired or has been used already. Sign in and ask for a new letter on your account page.
account-to-account = Go to your account
account-email-invalid = Enter an e-mail address, for example ivan@example.org.
account-password-too-short = The password must be at least 10 characters long.
account-password-too-long = The password must be at most 128 characters long.
account-password-is-email = The password must not be the same as the e-mail address.

## Invitations

account-invite = Invitation
account-invite-new = Invitation: create your account
account-invite-accept = Accept the invitation
account-invite-take-role = Accept the role
account-invite-role-for = Role for { $email }
account-invite-dead = The invitation no longer works
account-invite-dead-detail = The invitation has expired, been cancelled or been accepted already. Ask the organisation's administrator to send a new one.

## Signing in through an identity provider

account-oidc-failed = Could not sign in with { $provider }
account-oidc-retry = Try again, or sign in with your e-mail.
account-oidc-to-login = Back to sign-in
account-oidc-unavailable = The sign-in service is unavailable right now.
account-oidc-cancelled = Sign-in was cancelled or not allowed.
account-oidc-incomplete = The sign-in service's answer is incomplete.
account-oidc-elsewhere = Sign-in was started in another window or browser.
account-oidc-expired = The time to sign in has run out.
account-oidc-unconfirmed = The sign-in service did not confirm who you are.
account-oidc-disabled = The account is disabled.
