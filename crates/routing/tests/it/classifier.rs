//! The classifier on a small fixture written for these tests (never real
//! residents' messages): it learns, explains, round-trips through its file
//! and is measured honestly.

use vmeste_routing::classifier::{
    self, Example, Model, ModelError, NoProgress, TrainError, Wanted,
};

/// Short messages about four topics, each topic handled by its own organisation.
fn fixture() -> Vec<Example> {
    let topics = [
        (
            "ямы",
            "дороги",
            [
                "Глубокая яма на дороге у остановки",
                "На проезжей части ямы, машины ломают колёса",
                "Разбитый асфальт и ямы на улице",
                "Яма посреди дороги после зимы",
                "Асфальт провалился, огромная яма на дороге",
            ],
        ),
        (
            "освещение",
            "электросети",
            [
                "Не горит фонарь у подъезда",
                "На улице темно, фонари не работают",
                "Уличное освещение выключено вторую неделю",
                "Сломан фонарь, вечером ничего не видно",
                "Не работает освещение во дворе, фонари не горят",
            ],
        ),
        (
            "мусор",
            "экология",
            [
                "Свалка мусора за гаражами",
                "Мусор не вывозят с контейнерной площадки",
                "Переполнены мусорные контейнеры",
                "Несанкционированная свалка в лесу",
                "Контейнеры для мусора не вывозят неделю",
            ],
        ),
        (
            "отопление",
            "теплосеть",
            [
                "В квартире холодно, батареи еле тёплые",
                "Нет отопления в доме",
                "Холодные батареи, отопление не включили",
                "Отопление не работает, в доме холодно",
                "Батареи холодные уже три дня",
            ],
        ),
    ];
    topics
        .iter()
        .flat_map(|(topic, org, texts)| {
            texts.iter().map(|text| Example {
                text: (*text).to_owned(),
                topic: (*topic).to_owned(),
                organisation: Some((*org).to_owned()),
                at: None,
            })
        })
        .collect()
}

#[test]
fn a_model_predicts_its_own_training_examples() {
    let examples = fixture();
    let model = Model::train(&examples, &NoProgress).expect("trained");
    assert_eq!(model.trained_on(), examples.len());
    let figures = classifier::evaluate(&model, &examples);
    assert!(
        (figures.topic_top1 - 1.0).abs() < f64::EPSILON,
        "{figures:?}"
    );
    assert!(
        (figures.organisation_top1 - 1.0).abs() < f64::EPSILON,
        "{figures:?}"
    );
}

#[test]
fn a_suggestion_says_which_words_pushed_it() {
    let model = Model::train(&fixture(), &NoProgress).expect("trained");
    let s = model.suggest("<p>Опять&nbsp;ЯМА на дороге у дома</p>", 3);
    assert_eq!(s.topics.len(), 3);
    assert_eq!(s.topics[0].label, "ямы");
    assert_eq!(s.organisations[0].label, "дороги");
    let words: Vec<&str> = s.topics[0]
        .because
        .iter()
        .map(|r| r.words.as_str())
        .collect();
    assert!(
        words
            .iter()
            .any(|w| w.starts_with("ям") || w.starts_with("дорог")),
        "{words:?}"
    );
    assert!(s.topics[0].because.iter().all(|r| r.weight > 0.0));
    let total: f64 = s.topics.iter().map(|t| t.confidence).sum();
    assert!(total <= 1.0 + 1e-6 && s.topics[0].confidence > s.topics[1].confidence);
    let novel = model.suggest("Фонари не горят вечером", 1);
    assert_eq!(novel.topics[0].label, "освещение", "an unseen phrasing");
}

#[test]
fn a_model_round_trips_through_its_file() {
    let model = Model::train(&fixture(), &NoProgress).expect("trained");
    let bytes = model.to_bytes();
    let loaded = Model::from_bytes(&bytes).expect("loaded");
    for text in ["холодно в квартире", "мусор у дома", "", "яма"] {
        assert_eq!(loaded.suggest(text, 3), model.suggest(text, 3), "{text}");
    }
    assert!(matches!(
        Model::from_bytes(b"not a model"),
        Err(ModelError::NotAModel)
    ));
    let mut damaged = bytes.clone();
    damaged.truncate(bytes.len() / 2);
    assert!(matches!(
        Model::from_bytes(&damaged),
        Err(ModelError::Damaged(_))
    ));
    let mut other_version = bytes;
    other_version[21] = 99;
    assert!(matches!(
        Model::from_bytes(&other_version),
        Err(ModelError::Version { found: 99, .. })
    ));
}

#[test]
fn training_needs_two_topics_and_some_words() {
    let one: Vec<Example> = fixture().into_iter().take(5).collect();
    assert_eq!(
        Model::train(&one, &NoProgress).err(),
        Some(TrainError::TooFewTopics(1))
    );
    let blank = vec![
        Example {
            text: "!!!".into(),
            topic: "a".into(),
            organisation: None,
            at: None,
        },
        Example {
            text: "…".into(),
            topic: "b".into(),
            organisation: None,
            at: None,
        },
    ];
    assert_eq!(
        Model::train(&blank, &NoProgress).err(),
        Some(TrainError::NoFeatures)
    );
}

#[test]
fn only_the_suggestions_wanted_are_made() {
    let model = Model::train(&fixture(), &NoProgress).expect("trained");
    let text = "огромная яма на дороге";
    let all = model.suggest_at(text, Some(50), 3);
    let first_topic = model.suggest_wanted(
        text,
        Some(50),
        Wanted {
            topics: 1,
            organisations: 0,
        },
    );
    assert_eq!(first_topic.topics, all.topics[..1]);
    assert!(first_topic.organisations.is_empty());
    let both = model.suggest_wanted(
        text,
        Some(50),
        Wanted {
            topics: 2,
            organisations: 1,
        },
    );
    assert_eq!(both.topics, all.topics[..2]);
    assert_eq!(both.organisations, all.organisations[..1]);
}

#[test]
fn without_organisations_only_topics_are_suggested() {
    let examples: Vec<Example> = fixture()
        .into_iter()
        .map(|e| Example {
            organisation: None,
            ..e
        })
        .collect();
    let model = Model::train(&examples, &NoProgress).expect("trained");
    let s = model.suggest("не горит фонарь", 3);
    assert!(s.organisations.is_empty());
    assert_eq!(s.topics[0].label, "освещение");
    assert!(
        classifier::evaluate(&model, &examples)
            .organisation_top1
            .abs()
            < f64::EPSILON
    );
}

#[test]
fn a_split_is_deterministic_and_disjoint() {
    let examples = fixture();
    let (train, test) = classifier::split(&examples, 0.2, 42);
    assert_eq!((train.len(), test.len()), (16, 4));
    assert_eq!(
        classifier::split(&examples, 0.2, 42),
        (train.clone(), test.clone())
    );
    assert!(test.iter().all(|t| !train.contains(t)));
}

/// Two hundred messages over time: potholes go to the roads committee until
/// message 100 and to the city administration after, which no word tells;
/// lighting always goes to the grid.
fn a_change_of_practice() -> Vec<Example> {
    let roads = [
        "Глубокая яма на дороге у остановки",
        "Разбитый асфальт и ямы на улице",
        "Яма посреди дороги после зимы",
        "Асфальт провалился, огромная яма",
    ];
    let lighting = [
        "Не горит фонарь у подъезда",
        "На улице темно, фонари не работают",
        "Сломан фонарь, вечером ничего не видно",
        "Уличное освещение выключено",
    ];
    (0..200i64)
        .map(|at| {
            let i = (at / 2) as usize % 4;
            let (text, topic, organisation) = if at % 2 == 0 {
                let org = if at < 100 {
                    "дорожный комитет"
                } else {
                    "администрация"
                };
                (roads[i], "ямы", org)
            } else {
                (lighting[i], "освещение", "электросети")
            };
            Example {
                text: text.to_owned(),
                topic: topic.to_owned(),
                organisation: Some(organisation.to_owned()),
                at: Some(at),
            }
        })
        .collect()
}

#[test]
fn the_trees_follow_a_change_of_practice_and_say_why() {
    let model = Model::train(&a_change_of_practice(), &NoProgress).unwrap();
    let text = "Яма на дороге";
    for (at, expected) in [(60, "дорожный комитет"), (230, "администрация")]
    {
        let s = model.suggest_at(text, Some(at), 2);
        assert_eq!(s.topics[0].label, "ямы");
        let first = &s.organisations[0];
        assert_eq!(first.label, expected, "at {at}: {s:?}");
        assert!(first.confidence > s.organisations[1].confidence);
        assert!(
            first
                .because
                .iter()
                .any(|r| r.kind == classifier::ReasonKind::Precedent && r.weight > 0.4),
            "precedent (about half the messages before were potholes) is named: {first:?}"
        );
        assert!(
            first.factors.iter().any(|f| f.push > 0.0),
            "the trees' signals are reported: {first:?}"
        );
    }
    let reloaded = Model::from_bytes(&model.to_bytes()).unwrap();
    assert_eq!(
        reloaded.suggest_at(text, Some(230), 3),
        model.suggest_at(text, Some(230), 3)
    );
}
