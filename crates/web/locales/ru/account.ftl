# Russian: the account and sign-in pages. Message ids are shared with
# locales/en/account.ftl; a test checks that both have every id.

## The account page

account-title = Личный кабинет
account-saved = Изменения сохранены.
account-email = Почта
account-confirmed = подтверждена
account-unconfirmed = не подтверждена
account-resend = Прислать ссылку ещё раз
account-profile = Профиль
account-name = Имя
account-phone = Телефон (необязательно)
account-locale = Язык писем и интерфейса
account-notify = Уведомления по почте
account-notify-progress = о ходе моих сообщений и ответах
account-notify-news = о голосованиях и обсуждениях в моём районе
account-staff-mail = Письма о работе с сообщениями
account-staff-mail-hint = В приложении уведомления видны всегда; по почте — как вам удобнее.
account-staff-mail-digest = одной сводкой в день
account-staff-mail-each = письмом о каждом событии
account-staff-mail-none = не присылать
account-save = Сохранить
account-news = Уведомления
account-roles = Роли
account-security = Безопасность
account-sign-out-everywhere = Выйти на всех устройствах
account-delete = Удалить учётную запись
account-name-invalid = Укажите имя, не длиннее 100 символов.
account-phone-invalid = Введите телефон цифрами, например +7 912 345-67-89.

## Roles, and the pages each opens

account-role-in = { $role }, { $organisation }
account-role-in-subtree = { $role }, { $organisation } и подведомственные
account-link-staff = Сотрудники
account-link-api-keys = Ключи API
account-link-inbox = Входящие
account-link-moderation = Модерация
account-link-routing = Правила маршрутизации
account-link-houses = Дома и управляющие компании
account-link-calendar = Производственный календарь
account-link-audit = Журнал аудита
account-link-security = Безопасность платформы
account-link-region-webhooks = Вебхуки региона
account-link-templates = Шаблоны ответов

## The second factor

account-second-factor = Вход с кодом из приложения
account-second-factor-required = Для работы сотрудников платформы нужен второй фактор. Подключите его, чтобы продолжить.
account-second-factor-on = Второй фактор подключён: при входе мы спрашиваем код из приложения-аутентификатора.
account-second-factor-how = Добавьте учётную запись в приложение-аутентификатор (например, Яндекс Ключ или FreeOTP): введите ключ вручную или откройте ссылку на телефоне.
account-second-factor-key = Ключ:
account-second-factor-open = Открыть в приложении
account-second-factor-code = Код из приложения
account-second-factor-current-code = Текущий код, чтобы отключить
account-second-factor-enable = Подключить
account-second-factor-disable = Отключить
account-code-title = Код подтверждения
account-code-lead = Введите 6 цифр из приложения-аутентификатора.
account-code = Код
account-code-wrong = Код не подошёл. Введите 6 цифр, которые приложение показывает сейчас.
account-code-locked = Слишком много неверных кодов. Попробуйте позже.

## Deleting the account

account-delete-title = Удаление учётной записи
account-delete-lead = Ваши имя, почта и телефон будут удалены. Сообщения останутся на платформе без указания автора, их история сохранится. Отменить удаление нельзя.
account-delete-password = Пароль для подтверждения
account-delete-understood = Я понимаю, что удаление необратимо
account-delete-unconfirmed = Отметьте, что понимаете: удаление необратимо.
account-wrong-password = Неверный пароль.
account-deleted = Учётная запись удалена
account-deleted-detail = Ваши личные данные удалены. Сообщения остались на платформе без указания автора.
account-home = На главную

## Signing out

account-logout-title = Выход
account-logout-question = Выйти из системы?
account-cancel = Отмена

## Passwords and e-mail links

account-forgot-title = Восстановление пароля
account-send-link = Прислать ссылку
account-reset-too-many = Слишком много запросов. Попробуйте позже — письмо могло уже прийти.
account-reset-sent = Если этот адрес зарегистрирован, на него придёт письмо со ссылкой для смены пароля. Ссылка действует 1 час.
account-new-password-title = Новый пароль
account-new-password = Новый пароль (не короче 10 символов)
account-save-password = Сохранить пароль
account-your-name = Ваше имя
account-dead-link = Ссылка не действует
account-reset-link-dead = Ссылка устарела или уже использована. Запросите новую.
account-ask-link = Запросить ссылку
account-password-changed = Пароль изменён
account-password-changed-detail = Войдите с новым паролем. На других устройствах вход завершён.
account-email-confirmed = Адрес подтверждён
account-email-confirmed-detail = Спасибо! Теперь вы получаете уведомления о ваших сообщениях на эту почту.
account-confirm-link-dead = Ссылка устарела или уже использована. Войдите и запросите новое письмо в личном кабинете.
account-to-account = В личный кабинет
account-email-invalid = Введите адрес электронной почты, например ivan@example.ru.
account-password-too-short = Пароль должен быть не короче 10 символов.
account-password-too-long = Пароль должен быть не длиннее 128 символов.
account-password-is-email = Пароль не должен совпадать с адресом почты.

## Invitations

account-invite = Приглашение
account-invite-new = Приглашение: создайте учётную запись
account-invite-accept = Принять приглашение
account-invite-take-role = Принять роль
account-invite-role-for = Роль для { $email }
account-invite-dead = Приглашение не действует
account-invite-dead-detail = Приглашение устарело, отменено или уже принято. Попросите администратора организации прислать новое.

## Signing in through an identity provider

account-oidc-failed = Не удалось войти через { $provider }
account-oidc-retry = Попробуйте ещё раз или войдите по электронной почте.
account-oidc-to-login = Ко входу
account-oidc-unavailable = Сервис входа сейчас недоступен.
account-oidc-cancelled = Вход отменён или не разрешён.
account-oidc-incomplete = Ответ сервиса входа неполон.
account-oidc-elsewhere = Вход начат в другом окне или браузере.
account-oidc-expired = Время на вход истекло.
account-oidc-unconfirmed = Сервис входа не подтвердил личность.
account-oidc-disabled = Учётная запись отключена.
