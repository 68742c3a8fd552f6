# Pages of platform administrators and organisation administrators. Ids are
# shared with locales/en/admin.ftl.

## Shared by these pages

admin-topic = Тема
admin-organisation = Организация
admin-territory = Территория
admin-address = Адрес
admin-date = Дата
admin-role = Роль
admin-delete = Удалить
admin-save = Сохранить
admin-saved = Сохранено.
admin-yes = да
admin-no = нет

## Routing rules

admin-routing-title = Правила маршрутизации
admin-routing-lead = Сообщение уходит в организацию по правилу для его темы или зоны ответственности темы на самой узкой территории, где находится место. Правило для темы сильнее правила для зоны на той же территории.
admin-routing-new = Новое правило
admin-routing-area = Зона ответственности
admin-routing-area-none = — или выберите тему ниже —
admin-routing-whole-region = вся область
admin-routing-add = Добавить правило
admin-routing-rules = Действующие правила
admin-routing-area-or-topic = Зона или тема
admin-routing-topic-named = тема
admin-routing-error-target = Выберите либо зону ответственности, либо одну тему.
admin-routing-error-organisation = Выберите организацию.
admin-routing-error-exists = Для этой зоны и территории правило уже есть: удалите старое.

## Houses and management companies

admin-houses-title = Дома и управляющие компании
admin-houses-lead = Сообщения по темам управляющих компаний о доме из реестра уходят в компанию этого дома — по адресу, который указал житель, или по ближайшему дому в пределах 40 метров от точки на карте. Для домов вне реестра действуют правила по территориям.
admin-houses-new = Новый дом
admin-houses-lat = Широта
admin-houses-lon = Долгота
admin-houses-company = Управляющая компания
admin-houses-add = Добавить дом
admin-houses-register = Реестр
admin-houses-point = Точка
admin-houses-company-of = Компания дома
admin-houses-no-company = нет (по территории)
admin-houses-change = Сменить
admin-houses-error-address = Укажите адрес дома: улицу и номер.
admin-houses-error-point = Укажите широту и долготу дома внутри региона (например, 56.40 и 42.99).
admin-houses-error-company = Выберите управляющую компанию.
admin-houses-error-exists = Дом с таким адресом уже есть в реестре.

## The production calendar

admin-calendar-title = Производственный календарь
admin-calendar-lead = Сроки в рабочих днях считаются по этому календарю. Федеральный календарь поставляется с платформой; поправки администратора (региональный праздник, постановление на новый год) действуют поверх него для сроков, назначаемых после правки.
admin-calendar-years = Годы
admin-calendar-working-days = Рабочих дней в году:
admin-calendar-correction = Поправка
admin-calendar-kind = Что это за день
admin-calendar-note = Основание
admin-calendar-save = Сохранить поправку
admin-calendar-special = Особые дни
admin-calendar-none = Для этого года особых дней нет: выходные — суббота и воскресенье. Добавьте дни по постановлению о переносе выходных.
admin-calendar-day = День
admin-calendar-source = Источник
admin-calendar-corrected = поправка
admin-calendar-undo = Отменить
admin-calendar-federal = федеральный
admin-calendar-error-day = Укажите дату в виде ГГГГ-ММ-ДД.
admin-calendar-error-kind = Выберите, что это за день.
admin-calendar-error-note = Укажите основание: праздник или постановление.

## Platform security

admin-security-title = Безопасность платформы
admin-security-require-totp = Требовать от сотрудников вход со вторым фактором (код из приложения)

## An organisation's staff

admin-staff-title = Сотрудники
admin-staff-sent = Приглашение отправлено на
admin-staff-name = Имя
admin-staff-email = Почта
admin-staff-totp = Второй фактор
admin-staff-with-subtree = (и подведомственные)
admin-staff-revoke = Отозвать роль
admin-staff-pending = Ожидают ответа
admin-staff-until = до
admin-staff-cancel = Отменить
admin-staff-invite-title = Пригласить сотрудника
admin-staff-invite-email = Электронная почта
admin-staff-include-subtree = Включая подведомственные организации
admin-staff-invite = Пригласить
admin-staff-error-role = Выберите роль из списка.
admin-staff-error-subtree = Вы не управляете подведомственными организациями и не можете выдать роль на них.

## API keys

admin-keys-title = Ключи API
admin-keys-lead = Ключ даёт информационной системе доступ к API от имени организации:
admin-keys-key = ключ
admin-keys-created = Ключ создан. Скопируйте его сейчас — больше он показан не будет:
admin-keys-name = Название
admin-keys-prefix = Начало ключа
admin-keys-scopes = Права
admin-keys-created-at = Создан
admin-keys-last-used = Последнее использование
admin-keys-revoked = отозван
admin-keys-revoke = Отозвать
admin-keys-new = Новый ключ
admin-keys-name-label = Название (какая система)
admin-keys-may-read = чтение сообщений и справочников
admin-keys-may-submit = подача сообщений
admin-keys-may-incidents = передача постов из социальных сетей (инциденты)
admin-keys-create = Создать ключ
admin-keys-scope-read = чтение
admin-keys-scope-submit = подача
admin-keys-scope-incidents = инциденты
admin-keys-error-name = Назовите ключ (до 100 символов): для какой системы он.
admin-keys-error-scopes = Отметьте хотя бы одно право.

## Answer templates

admin-templates-title = Шаблоны ответов
admin-templates-lead = Сотрудники начинают ответ с шаблона на странице сообщения и дополняют его.
admin-templates-name = Название
admin-templates-text = Текст
admin-templates-any-topic = любая
admin-templates-new = Новый шаблон
admin-templates-save = Сохранить шаблон
admin-templates-error-title = Назовите шаблон (до 100 символов).
admin-templates-error-text = Напишите текст шаблона (до 4000 символов).

## The audit log

admin-audit-title = Журнал аудита
admin-audit-action = Действие
admin-audit-all = все
admin-audit-actor = Сотрудник (id)
admin-audit-object = Объект
admin-audit-object-id = Номер объекта
admin-audit-from = С даты
admin-audit-until = По дату
admin-audit-show = Показать
admin-audit-when = Когда (UTC)
admin-audit-who = Кто
admin-audit-detail = Подробности
admin-audit-ip = Адрес
admin-audit-earlier = Ранее
admin-audit-api-key = ключ API
admin-audit-error-number = Номер сотрудника и объекта — целые числа.
admin-audit-error-date = Даты — в формате ГГГГ-ММ-ДД.
