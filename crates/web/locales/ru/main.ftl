# Russian: the platform's first language. Message ids are shared with
# locales/en/main.ftl; a test checks that both have every id.

## Site

site-name = Вместе
skip-to-content = Перейти к содержанию
nav-label = Основное меню
nav-messages = Сообщения
nav-map = Карта
nav-statistics = Статистика
nav-report = Сообщить о проблеме
nav-my = Мои сообщения
nav-login = Войти
nav-logout = Выйти
footer-about = «Вместе» — открытая платформа обратной связи. Личные данные авторов не публикуются.
footer-api = API
language-switch = English
language-switch-code = en
language-switch-label = Язык сайта

## Counts

messages-count = { $n ->
    [one] { $n } сообщение
    [few] { $n } сообщения
   *[many] { $n } сообщений
}
residents-count = { $n ->
    [one] { $n } житель
    [few] { $n } жителя
   *[many] { $n } жителей
}
photos-count = { $n ->
    [one] { $n } фотография
    [few] { $n } фотографии
   *[many] { $n } фотографий
}

## Field errors: error-{code}, or error-{field}-{code} for a field's own wording

error-required = Заполните это поле.
error-location-required = Укажите место: точку на карте, координаты или район.
error-too-short = Слишком коротко: нужно не меньше { $limit } { $limit ->
    [one] символа
   *[other] символов
}.
error-too-long = Слишком длинно: не больше { $limit } { $limit ->
    [one] символа
   *[other] символов
}.
error-not-a-number = Введите число, например 56.3912.
error-out-of-range = Число должно быть от −{ $limit } до { $limit }.
error-unknown-topic = Выберите тему из каталога.
error-inactive-topic = Эта тема больше не принимает сообщения: выберите другую.
error-outside-region = Это место за пределами региона: укажите точку в его границах.
error-unknown-territory = Выберите район из списка.
error-control-characters = Текст содержит недопустимые служебные символы.
error-wrong-type = Неверный тип значения: ожидалась строка или число.
error-bbox-wrong-type = Область карты: четыре числа через запятую — запад, юг, восток, север.
error-unknown-value = Неизвестное значение.
error-invalid-format = Значение не в том формате.
error-in-future = Это время ещё не наступило.
error-url-invalid-format = Нужен адрес поста: http:// или https:// и домен.
error-photos-invalid-format = Каждая фотография — адрес http:// или https://.
error-photos-too-long = Не больше { $limit } фотографий.
error-posted-at-invalid-format = Время в формате ISO 8601 с часовым поясом, например 2026-03-02T12:30:00+03:00.
error-source-invalid-format = Латинские строчные буквы, цифры, «-» и «_», например vk или telegram.

## Events of a message's history

event-created = Сообщение отправлено
event-send-to-moderation = Передано на модерацию
event-request-clarification = Модератор запросил уточнение
event-provide-clarification = Автор дал уточнение
event-reject = Отклонено модератором
event-mark-duplicate = Отмечено как повтор другого сообщения
event-route = Передано ответственной организации
event-redirect = Перенаправлено в другую организацию
event-start-work = Взято в работу
event-extend = Срок ответа продлён
event-interim-answer = Промежуточный ответ
event-answer = Дан ответ
event-dispute = Автор оспорил ответ
event-close = Закрыто
event-rate = Автор оценил ответ
event-approve-answer = Дан ответ, утверждённый руководителем
event-mark-complaint = Жалоба передана вышестоящему органу
event-send-copy = Копия направлена в другой орган
event-copy = Получена копия обращения
event-decline-on-merits = Ответ по существу не дается
event-correct = Модератор уточнил тему или место
event-other = Изменение

## Notifications

notification-routed = Сообщение передано в организацию
notification-redirected = Сообщение перенаправлено
notification-clarification-requested = Модератор просит уточнить сообщение
notification-rejected = Сообщение отклонено
notification-duplicate = Сообщение объединено с ранее поданным
notification-interim-answer = Промежуточный ответ
notification-answered = Получен ответ — оцените его
notification-extended = Срок ответа продлён
notification-closed = Сообщение закрыто
notification-converted = Сообщение переведено в официальное обращение
notification-copy-sent = Копия обращения направлена в другой орган
notification-new-in-inbox = Новое сообщение во входящих
notification-assigned = Вам назначено сообщение
notification-due-soon = Скоро истекает срок ответа
notification-overdue = Срок ответа истёк
notification-disputed = Автор оспорил ответ
notification-answer-to-approve = Ответ ждёт вашего утверждения
notification-registration-overdue = Обращение не зарегистрировано в течение 3 дней
notification-other = Изменение по сообщению

## The API documentation page
api-docs-title = Документация API
api-docs-lead = REST API по адресу /api/v1: JSON на входе и на выходе. Эта страница составлена из документа OpenAPI 3.1 самого API.
api-docs-document = Документ OpenAPI (JSON)
api-docs-basics = Основное
api-docs-auth = Как обращаться: для открытых данных ничего не нужно; интегратор передаёт ключ своей организации как «Authorization: Bearer vmk_…» (ключи выдаются на странице ключей API организации, с правами read и submit); подходит и сессия вошедшего человека.
api-docs-errors = Ошибки — документы problem (RFC 9457, application/problem+json) с неизменным кодом «code»; «title» и «detail» на языке из Accept-Language (русский или английский).
api-docs-pages = Списки отдаются страницами: передайте «next_cursor» из ответа как «cursor», чтобы получить следующую; «limit» — от 1 до 100.
api-docs-idempotency = Каждый POST принимает заголовок «Idempotency-Key» (от 1 до 255 видимых символов ASCII): повтор с тем же ключом и телом получает первый ответ с «Idempotent-Replayed: true» и ничего не делает второй раз. Ключи принадлежат вызывающему и живут 24 часа.
api-docs-contents = Содержание
api-docs-schemas = Схемы
api-docs-security = Кто может вызывать
api-docs-parameters = Параметры
api-docs-name = Имя
api-docs-in = Где
api-docs-type = Тип
api-docs-required = Обязателен
api-docs-description = Описание
api-docs-yes = да
api-docs-no = нет
api-docs-request-body = Тело запроса
api-docs-responses = Ответы
api-docs-status = Статус
api-docs-example = Пример

## Titles of the API's problem documents

problem-validation-failed = Данные не прошли проверку
problem-invalid-parameters = Неверные параметры запроса
problem-malformed-request = Запрос не удалось разобрать
problem-unsupported-media-type = Неподдерживаемый формат тела запроса
problem-not-found = Не найдено
problem-method-not-allowed = Метод не поддерживается
problem-too-many-requests = Слишком много запросов: повторите позже
problem-payload-too-large = Слишком большой запрос
problem-unauthorized = Нужен вход или ключ API
problem-invalid-api-key = Ключ API неизвестен или отозван
problem-transition-refused = Действие с сообщением невозможно
problem-forbidden = Недостаточно прав
problem-idempotency-key-reused = Этот Idempotency-Key уже использован для другого запроса
problem-idempotency-key-in-use = Запрос с этим Idempotency-Key ещё выполняется
problem-invalid-idempotency-key = Заголовок Idempotency-Key неверен
problem-message-closed = Сообщение закрыто
problem-other = Внутренняя ошибка сервера

## Message page

supporters-more = Это касается ещё { $n } { $n ->
    [one] жителя
   *[other] жителей
}.

## Home page

home-title = Главная
home-hero = Сообщите о проблеме — её решат
home-lead = Яма на дороге, не горит фонарь, не вывезли мусор? Опишите проблему и отметьте место: сообщение попадёт в ответственную организацию, а вы увидите, когда и как его решат.
home-recent = Последние сообщения
home-none = Сообщений пока нет.
home-all = Все сообщения
home-topics = Темы

## Public list

list-title = Сообщения жителей
list-on-map = Показать на карте

## Filters

filters-label = Фильтры
filters-find = Найти
filters-find-example = например, яма у школы
filters-category = Категория
filters-all-categories = Все категории
filters-topic = Тема
filters-all-topics = Все темы
filters-status = Статус
filters-all-statuses = Все статусы
filters-period = Период
filters-all-time = За всё время
filters-territory = Территория
filters-whole-region = Весь регион
filters-organisation = Организация
filters-all-organisations = Все организации
filters-show = Показать
filters-reset = Сбросить

## Results

results-not-applied = Фильтр не применён:
results-none = Ничего не найдено.
results-next = Следующая страница

## Map

map-title = Карта сообщений
map-as-list = Списком
map-help = Клавиатура: стрелки двигают карту, «+» и «−» меняют масштаб, Tab переходит по меткам, Enter открывает метку. Список справа показывает те же сообщения.
map-list = Сообщения в этой области
map-attribution = © участники OpenStreetMap

## Report form

report-error-title = Ошибка: сообщить о проблеме
form-check = Проверьте форму
report-find-label = Найти тему по словам
report-find-hint = Например: «яма», «не горит фонарь», «мусор во дворе».
report-find = Найти тему
report-found-none = Тем по этим словам не нашлось — выберите из списка ниже
report-found = Подходящие темы
report-choose-topic = Выберите тему
report-text = Опишите проблему
report-text-hint = Что случилось и где именно. От 10 до 4000 символов. Не указывайте личные данные: текст будет опубликован.
report-photos-hint = До 5 фотографий JPEG, PNG или WebP, до 10 МБ каждая. Если не укажете место ниже, возьмём его из геометки фотографии; сами геометки и другие сведения о снимке мы удаляем.
report-photos-chosen = Выбранные фотографии
report-photo = Фотография
report-photo-remove = Убрать
report-photos = Фотографии
report-where = Где это
report-address = Адрес или ориентир
report-address-hint = Например: «ул. Ленина, 10». Дом из реестра найдём на карте сами; ориентир («у входа в парк») поможет исполнителю.
report-map-chosen = Точка выбрана на карте.
report-locating = Определяем местоположение…
report-located = Координаты заполнены по вашему местоположению.
report-locate-failed = Не удалось определить местоположение: укажите адрес или точку на карте.
report-locate = Моё местоположение
report-territory = Район или часть города
report-territory-none = Не выбран
report-from-photo = Координаты взяты из геометки фотографии — проверьте их.
report-coordinates-hint = Координаты точнее района; с картой их можно выбрать касанием.
report-lat = Широта
report-lon = Долгота
report-appeal = Это официальное обращение (59-ФЗ): ответ в течение 30 дней, обращение не публикуется
report-next = Далее: проверить

## Report preview

preview-title = Проверьте сообщение
preview-lead = Так сообщение уйдёт в работу. Если что-то не так, вернитесь и исправьте — ничего из введённого не потеряется.
similar-title = Уже сообщили рядом — поддержать?
similar-lead = По этой теме рядом с указанным местом уже есть открытые сообщения. Если это та же проблема, поддержите сообщение: вы будете получать уведомления о нём, а организация увидит, что проблема касается многих.
similar-support = Поддержать это сообщение
similar-sign-in = Войдите
similar-sign-in-rest = , чтобы поддержать сообщение и следить за ним.
similar-other = Другая проблема? Отправьте своё сообщение ниже.
preview-appeal = Официальное обращение
preview-message = Ваше сообщение
preview-text = Описание
preview-place = Место
preview-house = Найден дом в реестре:
preview-coordinates = Координаты:
preview-from-photo = (из геометки фотографии)
preview-no-photos = Нет
preview-to = Кому
preview-moderator = Ответственную организацию определит модератор регионального центра
preview-appeal-note = Обращение не публикуется; ответ придёт в течение 30 дней.
preview-public-note = Текст и место будут опубликованы без ваших личных данных.
preview-send = Отправить
preview-edit = Изменить

## Sign-in

login-title-short = Вход
login-with = Войти через
login-or-email = или по электронной почте:
login-email = Электронная почта
login-password = Пароль
login-forgot = Забыли пароль?
login-signup = Зарегистрироваться

## Sign-up

signup-title = Регистрация
form-error-prefix = Ошибка: 
signup-name = Как к вам обращаться
signup-password = Пароль (не короче 10 символов)
signup-note = Мы пришлём письмо со ссылкой для подтверждения адреса. Уже есть учётная запись? 
period-days = { $n ->
    [7] За неделю
    [30] За месяц
    [90] За три месяца
    [365] За год
   *[other] За { $n } дн.
}

## Report form: errors

report-form = Форма
report-stale = Форма устарела или открыта в другом окне. Проверьте данные и отправьте ещё раз.
report-too-many = Слишком много сообщений подряд. Подождите минуту и отправьте снова — введённое сохранено.
report-too-large = Слишком большие файлы: не больше { $n } фотографий по 10 МБ.
report-unreadable = Форму не удалось прочитать: заполните её ещё раз.
report-appeal-unidentified = Официальное обращение может подать только пользователь с подтверждённой почтой или вошедший через Госуслуги.
report-address-unknown = Адреса «{ $address }» нет в реестре домов, поэтому точку не найти сами. Укажите место на карте, координаты или район — адрес останется в сообщении.
photo-too-many = Можно приложить не больше { $n } фотографий.
photo-too-large = Фотография «{ $name }» больше { $mb } МБ.
photo-not-a-photo = Файл «{ $name }» — не фотография: подойдут JPEG, PNG или WebP.
photo-heic = Фотография «{ $name }» в формате HEIC: сохраните её как JPEG (в настройках камеры — «Наиболее совместимый») и приложите снова.
photo-too-many-pixels = Фотография «{ $name }» слишком большая по размеру в пикселях (больше { $mp } Мп).
photo-unreadable = Фотографию «{ $name }» не удалось прочитать: возможно, файл повреждён.
photo-storage-down = Фотографии сейчас не удаётся сохранить. Попробуйте через минуту — остальное сохранено.

## Statistics

stats-name = Название
stats-received-col = Поступило
stats-answered-col = Дан ответ
stats-on-time-col = В срок
stats-rating-col = Средняя оценка

## Statistics page

stats-received = Поступило
stats-answered = Дан ответ
stats-on-time = Ответов в срок
stats-rating = Средняя оценка ответов
stats-overdue = Случаев просрочки
stats-by-month = По месяцам
stats-months-caption = Поступило и отвечено по месяцам
stats-month = Месяц
stats-by-category = По категориям
stats-by-territory = По территориям
stats-by-organisation = По организациям
stats-chart-months = Поступило сообщений по месяцам
stats-chart-categories = Сообщения по категориям
stats-chart-territories = Сообщения по территориям
# A month's name by its number, as a table's row heading.
month = { $n ->
    [1] январь
    [2] февраль
    [3] март
    [4] апрель
    [5] май
    [6] июнь
    [7] июль
    [8] август
    [9] сентябрь
    [10] октябрь
    [11] ноябрь
   *[12] декабрь
}

## My messages

my-none = Вы ещё не сообщали о проблемах.
my-open = открыть
my-due = Срок ответа: 
my-following = Я слежу
my-following-none = На странице опубликованного сообщения нажмите «Меня это тоже касается», чтобы получать уведомления о нём.

## Message page

message-title = Сообщение №
message-of = от
message-category = Категория
message-organisation = Ответственная организация
message-address = Адрес
message-coordinates = Координаты
message-due = Срок ответа
message-text = Текст сообщения
message-pending = Текст сообщения будет опубликован после проверки модератором.
message-following = Вы следите за этим сообщением и получаете уведомления о нём.
message-unfollow = Не следить
message-follow = Меня это тоже касается — следить
message-files = Документы к ответу
message-clarify = Уточнение для модератора
message-clarify-send = Отправить уточнение
message-rate = Оцените ответ
message-resolved = Проблема решена?
message-yes = да
message-no = нет
message-rate-send = Оценить
message-dispute = Не согласны с ответом? Опишите, что не так
message-dispute-send = Оспорить ответ
message-history = История
my-clarify = Модератор ждёт вашего уточнения
my-rate = Получен ответ: оцените его или оспорьте
form-stale = Форма устарела. Отправьте её ещё раз.

## Error pages

error-not-found = Страница не найдена
error-not-found-detail = Такой страницы нет или сообщение не публикуется.
error-forbidden = Недостаточно прав
error-forbidden-detail = Ваша роль или организация не даёт доступа к этой странице.
error-internal = Что-то пошло не так
error-internal-detail = Мы уже знаем об ошибке. Попробуйте обновить страницу чуть позже.
request-too-large = Слишком большой запрос.

## Sign-in and sign-up: messages

login-too-many = Слишком много попыток входа. Подождите минуту.
login-wrong = Неверная электронная почта или пароль.
signup-too-many = Слишком много регистраций с вашего адреса. Попробуйте через час.
signup-name-required = Укажите, как к вам обращаться.
signup-name-too-long = Имя должно быть не длиннее 100 символов.
signup-check-mail = Проверьте почту
signup-sent = Мы отправили письмо на { $email }. Перейдите по ссылке из письма, чтобы подтвердить адрес.
signup-spam = Письмо не пришло? Проверьте папку «Спам» или запросите ссылку ещё раз в личном кабинете после входа.
map-cluster = Сообщений здесь: {"{"}n{"}"}. Приблизить

## Report form: steps on a phone

report-step-topic = Тема
report-step-text = Описание и фото
report-step-place = Место
report-step-next = Далее
report-step-back = Назад
report-step-of = Шаг {"{"}n{"}"} из {"{"}total{"}"}

## Open311

open311-not-found = Нет такого ресурса Open311: пути оканчиваются на .json или .xml.
open311-bad-query = Параметры запроса не удалось разобрать.
open311-unknown-jurisdiction = Эта юрисдикция здесь не обслуживается.
open311-unknown-service = Нет такой услуги (service_code).
open311-internal = Внутренняя ошибка сервера.
open311-contact = Вопросы об API — администратору платформы «Вместе» этого региона.
open311-unknown-request = Нет такой заявки (service_request_id) или она не публикуется.
open311-unknown-token = Нет заявки с таким токеном.
open311-bad-request-id = service_request_id — это номера заявок через запятую.
open311-bad-status = status принимает значения open и closed через запятую.
open311-bad-start-date = start_date не похож на дату: используйте ISO 8601, например 2026-01-01T00:00:00+03:00.
open311-bad-end-date = end_date не похож на дату: используйте ISO 8601, например 2026-01-31T23:59:59+03:00.
open311-window-reversed = end_date раньше start_date.
open311-window-too-long = Промежуток от start_date до end_date не может быть длиннее 90 дней.
open311-bad-page = page — номер страницы с 1, page_size — от 1 до 1000.
open311-unreadable = Тело запроса не удалось прочитать: отправьте форму (application/x-www-form-urlencoded или multipart/form-data).
open311-key-required = Для подачи заявки нужен api_key.
open311-key-refused = Этот api_key не принят: он неизвестен, отозван или не даёт права подавать заявки.
open311-too-many = Слишком много заявок подряд: повторите позже.
open311-too-many-photos = { $n ->
    [one] Можно приложить не больше { $n } фотографии.
   *[other] Можно приложить не больше { $n } фотографий.
}
open311-service-required = Укажите service_code — код услуги из списка services.
open311-notice = Заявка зарегистрирована под номером { $number }. Ход работы виден на её странице.

## Deadlines

remaining-today = срок сегодня
remaining-overdue = просрочено на { $n } { $n ->
    [one] день
    [few] дня
   *[many] дней
}
remaining-working = { $n ->
    [one] остался { $n } рабочий день
    [few] осталось { $n } рабочих дня
   *[many] осталось { $n } рабочих дней
}
remaining-days = { $n ->
    [one] остался { $n } день
    [few] осталось { $n } дня
   *[many] осталось { $n } дней
}

## Webhooks

webhooks-title = Вебхуки
webhooks-intro = Информационная система организации получает события о сообщениях: мы отправляем POST-запрос с JSON на её адрес, подписанный секретом (HMAC-SHA256).
webhooks-secret-once = Подписка создана. Скопируйте секрет сейчас — больше он показан не будет. Им проверяют заголовок X-Vmeste-Signature.
webhooks-none = Подписок пока нет.
webhooks-url = Адрес
webhooks-events = События
webhooks-reach = Какие сообщения
webhooks-condition = Состояние
webhooks-log = Журнал доставок
webhooks-ping = Проверить
webhooks-disable = Отключить
webhooks-enable = Включить
webhooks-delete = Удалить
webhooks-new = Новая подписка
webhooks-url-label = Адрес приёма (http или https)
webhooks-create = Подписаться
webhooks-how = Каждое событие доставляется до 8 раз с растущими паузами, пока адрес не ответит кодом 2xx. Если доставки не проходят сутки (не меньше 20 неудачных попыток подряд), подписка отключается сама; включите её, когда приём заработает.
webhooks-event-created = новое сообщение
webhooks-event-routed = сообщение направлено в организацию
webhooks-event-status-changed = другие смены статуса
webhooks-event-answered = дан ответ
webhooks-event-rated = житель оценил ответ
webhooks-event-ping = проверка
webhooks-reach-organisation = сообщения, направленные в организацию
webhooks-reach-subtree = сообщения организации и подведомственных
webhooks-reach-region = все сообщения региона, с момента подачи
webhooks-on = работает
webhooks-failing = { $n ->
    [one] работает; { $n } неудачная попытка подряд
    [few] работает; { $n } неудачные попытки подряд
   *[many] работает; { $n } неудачных попыток подряд
}
webhooks-off-manual = отключена вручную
webhooks-off-failing = отключена автоматически
webhooks-off-failing-why = Доставки не проходили сутки; проверьте журнал и включите подписку снова.
webhooks-url-invalid = Введите полный адрес, например https://example.ru/vmeste/hook.
webhooks-url-scheme = Адрес должен начинаться с http:// или https://.
webhooks-url-credentials = Уберите из адреса имя пользователя и пароль: запросы подписываются секретом.
webhooks-url-too-long = Адрес длиннее 2000 символов.
webhooks-events-required = Отметьте хотя бы одно событие.
webhooks-reach-required = Выберите, о каких сообщениях сообщать.
webhooks-log-title = Журнал доставок
webhooks-back = Все подписки организации
webhooks-log-empty = Попыток доставки ещё не было.
webhooks-log-at = Время
webhooks-log-event = Событие
webhooks-log-delivery = Доставка
webhooks-log-attempt = Попытка
webhooks-log-result = Результат
webhooks-log-duration = Время ответа, мс
webhooks-log-response = Ответ
webhooks-log-show = показать

## The widget on organisations' sites

widget-sent-title = Сообщение отправлено
widget-sent-number = Номер сообщения:
widget-sent-lead = Ход работы и ответ будут на странице сообщения на платформе.
widget-sent-open = Открыть сообщение на платформе (в новой вкладке)
widget-sent-private = Сообщение принято; на сайте платформы оно не публикуется.
widget-sent-again = Сообщить о другой проблеме
widget-admin-title = Виджет «Сообщить о проблеме»
widget-admin-lead = Кнопка на сайте организации открывает форму сообщения платформы прямо на странице сайта. Вставьте код на сайт и перечислите сайты, которым разрешено показывать форму.
widget-admin-snippet = Код для сайта
widget-admin-snippet-hint = Вставьте его в HTML страницы там, где должна быть кнопка. Без JavaScript на сайте останется обычная ссылка на форму.
widget-admin-preview = Так выглядит кнопка
widget-admin-preview-hint = Здесь форма откроется в новой вкладке.
widget-admin-sites = Сайты, где форма открывается поверх страницы
widget-admin-sites-none = Пока ни одного: на сайтах форма откроется в новой вкладке.
widget-admin-site = Адрес сайта
widget-admin-site-hint = Протокол и домен (и порт, если он нестандартный), без пути: https://admin.example.ru. Для проверки на своём компьютере — http://localhost:8000.
widget-admin-site-add = Добавить сайт
widget-admin-site-remove = Убрать
widget-admin-settings = Вид и предустановки
widget-admin-topic = Тема по умолчанию
widget-admin-topic-none = Житель выберет сам
widget-admin-lang = Язык формы
widget-admin-background = Цвет кнопки
widget-admin-color = Цвет текста кнопки
widget-admin-text = Надпись на кнопке
widget-admin-mode = Как открывать форму
widget-admin-mode-iframe = Поверх страницы сайта (на телефонах — в новой вкладке)
widget-admin-mode-page = В новой вкладке
widget-admin-save = Сохранить
widget-admin-saved = Настройки сохранены. Обновите код на сайте.
widget-error-origin = Укажите сайт: https:// и домен без пути, например https://admin.example.ru (http:// — только для localhost).
widget-error-origin-known = Этот сайт уже в списке.
widget-error-origin-many = Сайтов в списке может быть не больше { $n }.
widget-error-colour = Цвет в виде #RRGGBB, например #0b5cad.
widget-error-text = Надпись от 1 до 60 символов, в одну строку.
widget-error-choice = Выберите значение из списка.

## Incidents: posts from social networks for the regional centre

incidents-title = Инциденты из соцсетей
incidents-lead = Посты о проблемах, найденные системами мониторинга. Превратите пост в сообщение или отклоните его с причиной.
incidents-status = Статус
incidents-source = Соцсеть
incidents-any = все
incidents-show = Показать
incidents-none = Инцидентов нет.
incidents-received = Получен
incidents-text = Текст
incidents-open = Открыть
incident-status-new = новый
incident-status-converted = стал сообщением
incident-status-dismissed = отклонён
incident-title = Пост из соцсети
incident-posted = Опубликован
incident-author = Автор
incident-author-note = личные данные: не публикуются и не переносятся в сообщение
incident-original = Оригинал поста
incident-point = Координаты
incident-photos = Фотографии (ссылки)
incident-convert = Превратить в сообщение
incident-convert-lead = Проверьте тему, текст и место. Сообщение пройдёт обычную маршрутизацию; автора у него нет.
incident-convert-send = Создать сообщение
incident-dismiss = Отклонить
incident-dismiss-reason = Причина
incident-dismiss-send = Отклонить пост
incident-converted = Пост стал сообщением № { $number }.
incident-dismissed = Пост отклонён: { $reason }
incident-error-author = Уберите из текста имя автора поста: это личные данные.
incident-error-reason = Напишите причину (до 500 символов).
incident-error-decided = По этому посту уже принято решение.

## The routing classifier's suggestions in moderation, and auto-route
suggest-title = Подсказка классификатора
suggest-topics = Вероятные темы
suggest-organisations = Вероятные организации
suggest-because = слова: { $words }
suggest-precedent = сюда ушли { $percent } % сообщений незадолго до этого
suggest-similar = похожее сообщение (сходство { $percent } %) решено так же
suggest-related-topic = { $percent } % сообщений темы «{ $name }» уходят сюда
suggest-related-organisation = { $percent } % сообщений, ушедших в «{ $name }», — на эту тему
suggest-none = Классификатор не нашёл подходящей темы.
suggest-rules-decide = Организацию для этого места определяют правила маршрутизации: { $name }.
suggest-apply-hint = Ссылка подставляет тему или организацию в форму ниже; решение остаётся за вами.
auto-route-title = Автоматическая маршрутизация
auto-route-explain = Если для темы задан порог, сообщение этой темы не ждёт модерации: его направляют сразу, когда классификатор уверен в теме не меньше, чем на порог, тема совпадает с выбранной жителем, а организацию определяют правила маршрутизации (или, если правил нет, подсказка классификатора). В истории сообщения записывается, с какой уверенностью и по каким словам оно направлено. Пустое поле — выключено (так по умолчанию). Начинайте с высоких порогов (90–95 %) и проверяйте точность модели ниже.
auto-route-threshold = Порог, %
auto-route-off = выключено
auto-route-save = Сохранить
auto-route-threshold-invalid = Порог — целое число от 50 до 100 или пустое поле (выключено).
auto-route-models = Модели классификатора
auto-route-models-explain = Модель переобучается сама, когда накопится достаточно новых решений модераторов; новая модель заменяет действующую, только если на отложенной выборке угадывает тему не хуже. Предыдущая модель хранится для отката.
auto-route-model-status = Состояние
auto-route-model-trained-on = Обучена на
auto-route-model-topic-top1 = Тема, точность (1-я / в тройке)
auto-route-model-organisation-top1 = Организация, точность (1-я / в тройке)
auto-route-model-rival = Прежняя модель на той же выборке
auto-route-model-created = Создана
auto-route-rollback = Вернуть предыдущую модель
auto-route-no-model = Модели пока нет: она появится после первого переобучения.
model-status-active = действует
model-status-previous = предыдущая (для отката)
model-status-rejected = отклонена
model-status-retired = в архиве
