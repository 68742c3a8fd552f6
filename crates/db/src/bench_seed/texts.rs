//! Message texts of realistic length: a topic's demo sample followed by a
//! few sentences drawn from a small vocabulary of what residents add.

use rand::prelude::*;
use rand_chacha::ChaCha8Rng;

const DETAILS: [&str; 16] = [
    "Проблема наблюдается уже {n} {period}, обращения в управляющую компанию результата не дали.",
    "Ситуация повторяется каждый год, жители устали ждать.",
    "Здесь ходят дети и пожилые люди, это опасно.",
    "Вечером на этом месте совсем темно, ничего не видно.",
    "Прошу принять меры как можно скорее.",
    "Фотографии могу прислать дополнительно.",
    "Соседи из {n} квартир подтверждают проблему.",
    "Ранее уже писали об этом, но ответа не получили.",
    "Просим провести обследование и сообщить сроки работ.",
    "После дождя всё становится ещё хуже.",
    "Машины скорой помощи не могут проехать к подъезду.",
    "Обещали исправить в прошлом сезоне, но ничего не сделано.",
    "Прошу сообщить, кто отвечает за это место.",
    "Пожалуйста, проверьте и другие дома на этой улице.",
    "Звонили в диспетчерскую {n} раз, там обещают передать.",
    "Надеемся на быстрое решение вопроса.",
];
const PERIODS: [&str; 3] = ["недели", "месяца", "дней"];

/// The sample (its address filled in) and zero to four more sentences.
pub(super) fn compose(sample: &str, rng: &mut ChaCha8Rng) -> String {
    let mut text = sample.to_string();
    let extra = [0, 1, 1, 2, 2, 3, 4].choose(rng).copied().unwrap_or(0);
    for _ in 0..extra {
        let Some(sentence) = DETAILS.choose(rng) else {
            break;
        };
        text.push(' ');
        text.push_str(
            &sentence
                .replace("{n}", &rng.random_range(2..12).to_string())
                .replace("{period}", PERIODS.choose(rng).copied().unwrap_or("дней")),
        );
    }
    text
}
