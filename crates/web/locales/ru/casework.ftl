# The staff's case work: the inbox, the moderation queue and the case page.
# Ids are shared with locales/en/casework.ftl.

## Inbox and moderation queue

inbox-title = Входящие
inbox-moderation-title = Модерация
inbox-open = открытые
inbox-any = любой
inbox-any-feminine = любая
inbox-due-soon = истекает в ближайшие 3 дня
inbox-due-overdue = просрочены
inbox-mine = назначенные мне
inbox-empty = Здесь пока пусто.
# HTML: the keys are marked up.
inbox-keys = Клавиши: <kbd>j</kbd> и <kbd>k</kbd> — по строкам, <kbd>Enter</kbd> — открыть, <kbd>/</kbd> — к фильтрам.
inbox-select = Выбрать
inbox-number = Номер
inbox-bulk = С отмеченными
inbox-bulk-action = Действие
inbox-bulk-assign = назначить исполнителя
inbox-bulk-redirect = перенаправить
inbox-bulk-reason = Причина перенаправления
inbox-bulk-run = Выполнить
inbox-bulk-done = Выполнено: { $done }.
inbox-bulk-partly = Выполнено: { $done }. Не выполнено: { $failed } — для них это действие сейчас невозможно.
# An appeal waiting for registration: the day it must be registered by.
inbox-register-by = зарегистрировать до { $date }

## Case page

case-message = Сообщение
case-appeal = Обращение
case-done = Готово: действие выполнено.
case-status = Статус
case-topic = Тема
case-organisation = Организация
case-territory = Территория
case-assignee = Исполнитель
case-due = Срок
case-address = Адрес
case-no-organisation = не назначена
case-no-assignee = не назначен
case-author = Автор
case-author-name = Имя
case-author-email = Почта
case-author-phone = Телефон
case-audited = Просмотр личных данных записан в журнал аудита.
case-text = Текст
case-history = История
case-internal-comment = Внутренний комментарий
case-files = Файлы ответа
case-file-unpublished = ждёт утверждения ответа
case-size-kb = { $size } КБ
case-size-mb = { $size } МБ
case-pending = Ответ ждёт утверждения
case-approve = Утвердить и отправить автору
case-actions = Действия
case-route-to = Передать в организацию
case-route = Одобрить и передать
case-correct-keep = не менять
case-correct = Исправить тему и место
case-clarify-question = Вопрос автору
case-clarify-days = Дней на ответ
case-clarify = Запросить уточнение
case-reject-reason = Причина отклонения
case-reject-comment = Пояснение
case-reject = Отклонить
case-duplicate-of = Дубликат сообщения (номер записи)
case-duplicate = Отметить как дубликат
case-assign-to = Назначить исполнителя
case-assign = Назначить
case-start-work = Взять в работу
case-interim-text = Промежуточный ответ
case-interim-planned = Планируемая дата
case-interim = Дать промежуточный ответ
case-answer-template = Начать с шаблона:
case-answer-text = Ответ автору
case-answer-files = Документы к ответу
case-answer-files-hint = До 5 файлов по 10 МБ: PDF, DOCX, ODT, JPEG, PNG, WebP. Файлы нужно выбрать заново, если форма вернётся с ошибкой.
case-answer = Ответить
case-redirect-to = Перенаправить в
case-redirect-reason = Причина
case-redirect = Перенаправить
case-copy-lead = Вопрос касается и другого органа? Направьте ему копию обращения в течение 7 дней с регистрации: у копии будет свой номер и свой срок, автор получит уведомление.
case-copy-to = Направить копию в
case-copy-questions = Какие вопросы в его компетенции
case-copy = Направить копию
case-decline-ground = Ответ по существу не дается, основание
case-decline-comment = Пояснение автору
case-decline = Уведомить автора
case-extend-days = Продлить на (дней)
case-extend-reason = Причина (увидит автор)
case-extend = Продлить срок
case-convert-lead = Перевести в обращение по 59-ФЗ: срок — 30 дней с регистрации, сообщение перестанет публиковаться.
case-convert = Перевести в обращение
case-complaint-lead = Сообщение — жалоба на эту организацию? Оно уйдёт вышестоящему органу и сюда не вернётся.
case-complaint = Это жалоба на нас
case-comment-text = Внутренний комментарий (не виден автору)
case-comment = Добавить комментарий

## Case page: why an action did not happen

case-stale = Форма устарела. Проверьте данные и отправьте ещё раз.
case-unknown-target = Выбранная организация, сообщение или исполнитель не подходит.
case-files-answer-only = Файлы прикладываются только к ответу.
case-files-too-many = Можно приложить не больше { $n } { $n ->
    [one] файла
   *[other] файлов
}.
case-file-too-large = Файл «{ $name }» больше { $mb } МБ.
case-file-not-accepted = Файл «{ $name }» не подходит: прикладывайте PDF, DOCX, ODT или изображения JPEG, PNG, WebP.
case-form-unreadable = Форму не удалось прочитать: отправьте её ещё раз.
case-error-choose = Выберите значение из списка.
case-error-clarify-days = Укажите число дней от 1 до 10.
case-error-reject-reason = Выберите причину отклонения.
case-error-planned = Укажите планируемую дату.
case-error-days = Укажите число дней.
case-error-score = Поставьте оценку от 1 до 5.
case-error-ground = Выберите основание из списка.
case-error-command = Неизвестное действие.
