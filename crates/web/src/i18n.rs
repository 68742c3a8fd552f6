//! The user's language and the texts the code itself produces (errors, event
//! names). Russian first, English second.

use axum::extract::FromRequestParts;
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE};
use axum::http::request::Parts;
use vmeste_domain::validation::{ErrorCode, FieldError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Ru,
    En,
}

impl Lang {
    /// The best supported language of an `Accept-Language` header; Russian
    /// when nothing matches.
    pub fn negotiate(accept_language: &str) -> Lang {
        let mut best = (Lang::Ru, -1.0_f32);
        for part in accept_language.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let lang = match tag.split('-').next() {
                Some("ru") => Lang::Ru,
                Some("en") => Lang::En,
                _ => continue,
            };
            if q > best.1 {
                best = (lang, q);
            }
        }
        best.0
    }

    fn from_cookie(cookies: &str) -> Option<Lang> {
        cookies.split(';').find_map(|c| match c.trim() {
            "lang=ru" => Some(Lang::Ru),
            "lang=en" => Some(Lang::En),
            _ => None,
        })
    }
}

/// The language of a request: the `lang` cookie, else `Accept-Language`.
pub fn from_headers(headers: &axum::http::HeaderMap) -> Lang {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    header(COOKIE)
        .and_then(Lang::from_cookie)
        .or_else(|| header(ACCEPT_LANGUAGE).map(Lang::negotiate))
        .unwrap_or(Lang::Ru)
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(from_headers(&parts.headers))
    }
}

/// A field error in words, with its limit where it has one.
pub fn field_message(lang: Lang, error: &FieldError) -> String {
    let limit = error.limit.unwrap_or_default();
    match (lang, error.code, error.field) {
        (Lang::Ru, ErrorCode::Required, "location") => {
            "Укажите место: точку на карте, координаты или район.".into()
        }
        (Lang::En, ErrorCode::Required, "location") => {
            "Give the place: a point on the map, coordinates or a district.".into()
        }
        (Lang::Ru, ErrorCode::WrongType, "bbox") => {
            "Область карты: четыре числа через запятую — запад, юг, восток, север.".into()
        }
        (Lang::En, ErrorCode::WrongType, "bbox") => {
            "The map box: four comma-separated numbers — west, south, east, north.".into()
        }
        (Lang::Ru, ErrorCode::Required, _) => "Заполните это поле.".into(),
        (Lang::En, ErrorCode::Required, _) => "This field is required.".into(),
        (Lang::Ru, ErrorCode::TooShort, _) => {
            format!("Слишком коротко: нужно не меньше {limit} символов.")
        }
        (Lang::En, ErrorCode::TooShort, _) => format!("Too short: at least {limit} characters."),
        (Lang::Ru, ErrorCode::TooLong, _) => format!("Слишком длинно: не больше {limit} символов."),
        (Lang::En, ErrorCode::TooLong, _) => format!("Too long: at most {limit} characters."),
        (Lang::Ru, ErrorCode::NotANumber, _) => "Введите число, например 56.3912.".into(),
        (Lang::En, ErrorCode::NotANumber, _) => "Enter a number, for example 56.3912.".into(),
        (Lang::Ru, ErrorCode::OutOfRange, _) => {
            format!("Число должно быть от −{limit} до {limit}.")
        }
        (Lang::En, ErrorCode::OutOfRange, _) => {
            format!("The number must lie between −{limit} and {limit}.")
        }
        (Lang::Ru, ErrorCode::UnknownTopic, _) => "Выберите тему из каталога.".into(),
        (Lang::En, ErrorCode::UnknownTopic, _) => "Choose a topic from the catalogue.".into(),
        (Lang::Ru, ErrorCode::InactiveTopic, _) => {
            "Эта тема больше не принимает сообщения: выберите другую.".into()
        }
        (Lang::En, ErrorCode::InactiveTopic, _) => {
            "This topic no longer takes messages: choose another.".into()
        }
        (Lang::Ru, ErrorCode::OutsideRegion, _) => {
            "Это место за пределами региона: укажите точку в его границах.".into()
        }
        (Lang::En, ErrorCode::OutsideRegion, _) => {
            "This place lies outside the region: choose a point within it.".into()
        }
        (Lang::Ru, ErrorCode::UnknownTerritory, _) => "Выберите район из списка.".into(),
        (Lang::En, ErrorCode::UnknownTerritory, _) => "Choose a district from the list.".into(),
        (Lang::Ru, ErrorCode::ControlCharacters, _) => {
            "Текст содержит недопустимые служебные символы.".into()
        }
        (Lang::En, ErrorCode::ControlCharacters, _) => {
            "The text contains control characters that are not allowed.".into()
        }
        (Lang::Ru, ErrorCode::WrongType, _) => {
            "Неверный тип значения: ожидалась строка или число.".into()
        }
        (Lang::En, ErrorCode::WrongType, _) => {
            "Wrong type of value: a string or a number was expected.".into()
        }
        (Lang::Ru, ErrorCode::UnknownValue, _) => "Неизвестное значение.".into(),
        (Lang::En, ErrorCode::UnknownValue, _) => "Unknown value.".into(),
    }
}

/// What an event of a message's history means, for residents.
pub fn event_label(lang: Lang, action: &str) -> &'static str {
    match (lang, action) {
        (Lang::Ru, "created") => "Сообщение отправлено",
        (Lang::Ru, "send_to_moderation") => "Передано на модерацию",
        (Lang::Ru, "request_clarification") => "Модератор запросил уточнение",
        (Lang::Ru, "provide_clarification") => "Автор дал уточнение",
        (Lang::Ru, "reject") => "Отклонено модератором",
        (Lang::Ru, "mark_duplicate") => "Отмечено как повтор другого сообщения",
        (Lang::Ru, "route") => "Передано ответственной организации",
        (Lang::Ru, "redirect") => "Перенаправлено в другую организацию",
        (Lang::Ru, "start_work") => "Взято в работу",
        (Lang::Ru, "extend") => "Срок ответа продлён",
        (Lang::Ru, "interim_answer") => "Промежуточный ответ",
        (Lang::Ru, "answer") => "Дан ответ",
        (Lang::Ru, "dispute") => "Автор оспорил ответ",
        (Lang::Ru, "close") => "Закрыто",
        (Lang::Ru, "rate") => "Автор оценил ответ",
        (Lang::Ru, "approve_answer") => "Дан ответ, утверждённый руководителем",
        (Lang::Ru, "mark_complaint") => "Жалоба передана вышестоящему органу",
        (Lang::Ru, "send_copy") => "Копия направлена в другой орган",
        (Lang::Ru, "copy") => "Получена копия обращения",
        (Lang::Ru, "decline_on_merits") => "Ответ по существу не дается",
        (Lang::Ru, "correct") => "Модератор уточнил тему или место",
        (Lang::Ru, _) => "Изменение",
        (Lang::En, "created") => "Message sent",
        (Lang::En, "send_to_moderation") => "Sent to moderation",
        (Lang::En, "request_clarification") => "The moderator asked for details",
        (Lang::En, "provide_clarification") => "The author gave details",
        (Lang::En, "reject") => "Rejected by the moderator",
        (Lang::En, "mark_duplicate") => "Marked as a repeat of another message",
        (Lang::En, "route") => "Passed to the responsible organisation",
        (Lang::En, "redirect") => "Redirected to another organisation",
        (Lang::En, "start_work") => "Work started",
        (Lang::En, "extend") => "Deadline extended",
        (Lang::En, "interim_answer") => "Interim answer",
        (Lang::En, "answer") => "Answered",
        (Lang::En, "dispute") => "The author disputed the answer",
        (Lang::En, "close") => "Closed",
        (Lang::En, "rate") => "The author rated the answer",
        (Lang::En, "approve_answer") => "Answered with the head's approval",
        (Lang::En, "mark_complaint") => "The complaint went to the supervising body",
        (Lang::En, "send_copy") => "A copy went to another body",
        (Lang::En, "copy") => "A copy of an appeal received",
        (Lang::En, "decline_on_merits") => "No answer on the merits",
        (Lang::En, "correct") => "The moderator corrected the topic or place",
        (Lang::En, _) => "Change",
    }
}

/// A notification (in the application, or a staff member's e-mail) in words.
pub fn notification_label(lang: Lang, kind: &str) -> &'static str {
    match (lang, kind) {
        (Lang::Ru, "routed") => "Сообщение передано в организацию",
        (Lang::Ru, "redirected") => "Сообщение перенаправлено",
        (Lang::Ru, "clarification_requested") => "Модератор просит уточнить сообщение",
        (Lang::Ru, "rejected") => "Сообщение отклонено",
        (Lang::Ru, "duplicate") => "Сообщение объединено с ранее поданным",
        (Lang::Ru, "interim_answer") => "Промежуточный ответ",
        (Lang::Ru, "answered") => "Получен ответ — оцените его",
        (Lang::Ru, "extended") => "Срок ответа продлён",
        (Lang::Ru, "closed") => "Сообщение закрыто",
        (Lang::Ru, "converted") => "Сообщение переведено в официальное обращение",
        (Lang::Ru, "copy_sent") => "Копия обращения направлена в другой орган",
        (Lang::Ru, "new_in_inbox") => "Новое сообщение во входящих",
        (Lang::Ru, "assigned") => "Вам назначено сообщение",
        (Lang::Ru, "due_soon") => "Скоро истекает срок ответа",
        (Lang::Ru, "overdue") => "Срок ответа истёк",
        (Lang::Ru, "disputed") => "Автор оспорил ответ",
        (Lang::Ru, "answer_to_approve") => "Ответ ждёт вашего утверждения",
        (Lang::Ru, "registration_overdue") => "Обращение не зарегистрировано в течение 3 дней",
        (Lang::Ru, _) => "Изменение по сообщению",
        (Lang::En, "routed") => "The message was passed to the organisation",
        (Lang::En, "redirected") => "The message was redirected",
        (Lang::En, "clarification_requested") => "The moderator asks for details",
        (Lang::En, "rejected") => "The message was rejected",
        (Lang::En, "duplicate") => "The message was merged with an earlier one",
        (Lang::En, "interim_answer") => "Interim answer",
        (Lang::En, "answered") => "Answered — please rate the answer",
        (Lang::En, "extended") => "The deadline was extended",
        (Lang::En, "closed") => "The message was closed",
        (Lang::En, "converted") => "The message became a formal appeal",
        (Lang::En, "copy_sent") => "A copy of the appeal went to another body",
        (Lang::En, "new_in_inbox") => "A new message in the inbox",
        (Lang::En, "assigned") => "A message was assigned to you",
        (Lang::En, "due_soon") => "The deadline is near",
        (Lang::En, "overdue") => "The deadline has passed",
        (Lang::En, "disputed") => "The author disputed the answer",
        (Lang::En, "answer_to_approve") => "An answer awaits your approval",
        (Lang::En, "registration_overdue") => "An appeal was not registered within 3 days",
        (Lang::En, _) => "A change in a message",
    }
}

/// Titles of the API's problem documents.
pub fn problem_title(lang: Lang, code: &str) -> &'static str {
    match (lang, code) {
        (Lang::Ru, "validation_failed") => "Данные не прошли проверку",
        (Lang::En, "validation_failed") => "The data did not pass validation",
        (Lang::Ru, "invalid_parameters") => "Неверные параметры запроса",
        (Lang::En, "invalid_parameters") => "Invalid query parameters",
        (Lang::Ru, "malformed_request") => "Запрос не удалось разобрать",
        (Lang::En, "malformed_request") => "The request could not be parsed",
        (Lang::Ru, "unsupported_media_type") => "Неподдерживаемый формат тела запроса",
        (Lang::En, "unsupported_media_type") => "Unsupported request body format",
        (Lang::Ru, "not_found") => "Не найдено",
        (Lang::En, "not_found") => "Not found",
        (Lang::Ru, "method_not_allowed") => "Метод не поддерживается",
        (Lang::En, "method_not_allowed") => "Method not allowed",
        (Lang::Ru, "too_many_requests") => "Слишком много запросов: повторите позже",
        (Lang::En, "too_many_requests") => "Too many requests: try again later",
        (Lang::Ru, "payload_too_large") => "Слишком большой запрос",
        (Lang::En, "payload_too_large") => "Request too large",
        (Lang::Ru, "unauthorized") => "Нужен вход или ключ API",
        (Lang::En, "unauthorized") => "Sign-in or an API key is required",
        (Lang::Ru, "invalid_api_key") => "Ключ API неизвестен или отозван",
        (Lang::En, "invalid_api_key") => "The API key is unknown or revoked",
        (Lang::Ru, "transition_refused") => "Действие с сообщением невозможно",
        (Lang::En, "transition_refused") => "The action on the message is refused",
        (Lang::Ru, "forbidden") => "Недостаточно прав",
        (Lang::En, "forbidden") => "Not allowed",
        (Lang::Ru, _) => "Внутренняя ошибка сервера",
        (Lang::En, _) => "Internal server error",
    }
}

/// The Russian plural form for `n`: one (1, 21), few (2–4, 22–24), many.
pub fn plural_ru<'a>(n: i64, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    let (tens, units) = (n.abs() % 100, n.abs() % 10);
    match (tens, units) {
        (11..=14, _) => many,
        (_, 1) => one,
        (_, 2..=4) => few,
        _ => many,
    }
}

#[cfg(test)]
mod tests {
    use super::{Lang, plural_ru};

    #[test]
    fn russian_plurals_follow_the_last_digits() {
        let form = |n| plural_ru(n, "житель", "жителя", "жителей");
        assert_eq!(
            [1, 2, 5, 11, 12, 21, 22, 25, 111, 101].map(form),
            [
                "житель",
                "жителя",
                "жителей",
                "жителей",
                "жителей",
                "житель",
                "жителя",
                "жителей",
                "жителей",
                "житель"
            ]
        );
    }

    #[test]
    fn accept_language_picks_the_best_supported() {
        assert_eq!(Lang::negotiate("en-US,en;q=0.9,ru;q=0.8"), Lang::En);
        assert_eq!(Lang::negotiate("de-DE,ru;q=0.5,en;q=0.4"), Lang::Ru);
        assert_eq!(Lang::negotiate("fr"), Lang::Ru);
        assert_eq!(Lang::negotiate(""), Lang::Ru);
    }
}
