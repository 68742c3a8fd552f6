//! Training: the text's linear scorers on every example, then — on folds
//! each held out from a scorer trained on the rest — the scores the trees
//! learn to re-rank, and the temperatures that make confidences honest.

use super::features::{Sparse, Vocabulary, tokens};
use super::head::{Head, classes, fit_temperature, probabilities};
use super::linear::{Linear, LinearOptions};
use super::neighbours::{Memory, Neighbours, Votes};
use super::ranker::{Ranker, Training};
use super::{Example, Model, Progress, TrainError};

/// Folds of the training set: each is scored by scorers that did not see it.
const FOLDS: usize = 5;
/// The model remembers this many of the latest examples for similarity:
/// enough for a region's recent years, small enough for a model file.
const MEMORY: usize = 30_000;
/// Below this many examples there is too little to hold out.
const HELD_OUT_MIN_EXAMPLES: usize = 60;

/// One prediction's classes and which examples have one.
struct Labels {
    names: Vec<String>,
    ys: Vec<Option<u32>>,
}

impl Labels {
    fn examples(&self) -> Vec<usize> {
        (0..self.ys.len())
            .filter(|&i| self.ys[i].is_some())
            .collect()
    }

    /// A linear scorer trained on the `among` examples that have a class.
    fn fit(
        &self,
        xs: &[Sparse],
        among: &[usize],
        features: usize,
        progress: &dyn Progress,
    ) -> Linear {
        let (xs, ys): (Vec<Sparse>, Vec<u32>) = among
            .iter()
            .filter_map(|&i| Some((xs[i].clone(), self.ys[i]?)))
            .unzip();
        Linear::train(
            &xs,
            &ys,
            self.names.len(),
            features,
            LinearOptions::default(),
            progress,
        )
    }
}

pub fn model(examples: &[Example], progress: &dyn Progress) -> Result<Model, TrainError> {
    let topics = {
        let (names, ys) = classes(examples.iter().map(|e| Some(e.topic.as_str())));
        Labels { names, ys }
    };
    if topics.names.len() < 2 {
        return Err(TrainError::TooFewTopics(topics.names.len()));
    }
    let organisations = {
        let (names, ys) = classes(examples.iter().map(|e| e.organisation.as_deref()));
        (!names.is_empty()).then_some(Labels { names, ys })
    };
    let tokens: Vec<_> = examples.iter().map(|e| tokens(&e.text)).collect();
    let min_documents = if examples.len() >= 500 { 2 } else { 1 };
    let vocabulary = Vocabulary::build(&tokens, min_documents);
    if vocabulary.is_empty() {
        return Err(TrainError::NoFeatures);
    }
    let features = vocabulary.len();
    let xs: Vec<Sparse> = tokens.iter().map(|t| vocabulary.vector(t)).collect();
    let ats: Vec<Option<i64>> = examples.iter().map(|e| e.at).collect();
    let held_out = examples.len() >= HELD_OUT_MIN_EXAMPLES;
    let heads = 1 + usize::from(organisations.is_some());
    let runs = heads * (1 + if held_out { FOLDS } else { 0 });
    progress.stage(
        "text",
        u64::from(LinearOptions::default().epochs) * runs as u64,
    );
    let all: Vec<usize> = (0..examples.len()).collect();
    let topic_linear = topics.fit(&xs, &all, features, progress);
    let org_linear = organisations
        .as_ref()
        .map(|o| o.fit(&xs, &all, features, progress));
    if !held_out {
        return Ok(Model {
            vocabulary,
            topics: Head::new(topics.names, topic_linear, 1.0, None),
            organisations: organisations
                .zip(org_linear)
                .map(|(o, linear)| Head::new(o.names, linear, 1.0, None)),
            memory: None,
            trained_on: examples.len(),
        });
    }
    let folds: Vec<usize> = (0..examples.len()).map(|i| i % FOLDS).collect();
    let mut topic_scores = vec![Vec::new(); examples.len()];
    let mut org_scores = vec![Vec::new(); examples.len()];
    let org_count = organisations.as_ref().map_or(0, |o| o.names.len());
    let mut topic_votes = Vec::with_capacity(examples.len());
    let mut org_votes = Vec::with_capacity(examples.len());
    for fold in 0..FOLDS {
        let (rest, out): (Vec<usize>, Vec<usize>) = all.iter().partition(|&&i| folds[i] != fold);
        let topic = topics.fit(&xs, &rest, features, progress);
        let org = organisations
            .as_ref()
            .map(|o| o.fit(&xs, &rest, features, progress));
        let memory = memory(&xs, &rest, &topics, organisations.as_ref(), features);
        for i in out {
            let (t, o) = memory.votes(&xs[i], topics.names.len(), org_count);
            topic_votes.push((i, t));
            org_votes.push((i, o));
            topic_scores[i] = topic.scores(&xs[i]);
            if let Some(org) = &org {
                org_scores[i] = org.scores(&xs[i]);
            }
        }
    }
    let in_order = |mut votes: Vec<(usize, Votes)>| -> Vec<Votes> {
        votes.sort_by_key(|(i, _)| *i);
        votes.into_iter().map(|(_, v)| v).collect()
    };
    let (topic_votes, org_votes) = (in_order(topic_votes), in_order(org_votes));
    progress.stage("trees", heads as u64);
    let calibrate = |labels: &Labels, scores: &[Vec<f32>]| {
        let pairs: Vec<(&[f32], u32)> = labels
            .examples()
            .into_iter()
            .filter_map(|i| Some((scores[i].as_slice(), labels.ys[i]?)))
            .collect();
        let temperature = fit_temperature(&pairs);
        let p: Vec<Vec<f32>> = scores
            .iter()
            .map(|s| probabilities(s, temperature))
            .collect();
        (temperature, p)
    };
    let (topic_temperature, topic_p) = calibrate(&topics, &topic_scores);
    let org_calibrated = organisations.as_ref().map(|o| calibrate(o, &org_scores));
    let topic_ranker = Ranker::train(&Training {
        own: &topic_p,
        other: org_calibrated.as_ref().map(|(_, p)| p.as_slice()),
        classes: &topics.ys.iter().map(|y| y.unwrap_or(0)).collect::<Vec<_>>(),
        other_classes: organisations.as_ref().map_or(&[][..], |o| &o.ys),
        ats: &ats,
        votes: &topic_votes,
        folds: &folds,
        class_count: topics.names.len(),
        other_count: organisations.as_ref().map_or(0, |o| o.names.len()),
    });
    progress.advance(1);
    let remembered = &all[all.len().saturating_sub(MEMORY)..];
    let memory = memory(&xs, remembered, &topics, organisations.as_ref(), features);
    let organisations = organisations.zip(org_linear).zip(org_calibrated).map(
        |((labels, linear), (temperature, org_p))| {
            let with = labels.examples();
            let pick = |values: &[Vec<f32>]| -> Vec<Vec<f32>> {
                with.iter().map(|&i| values[i].clone()).collect()
            };
            let ranker = (with.len() >= HELD_OUT_MIN_EXAMPLES).then(|| {
                Ranker::train(&Training {
                    own: &pick(&org_p),
                    other: Some(&pick(&topic_p)),
                    classes: &with
                        .iter()
                        .filter_map(|&i| labels.ys[i])
                        .collect::<Vec<_>>(),
                    other_classes: &with.iter().map(|&i| topics.ys[i]).collect::<Vec<_>>(),
                    ats: &with.iter().map(|&i| ats[i]).collect::<Vec<_>>(),
                    votes: &with
                        .iter()
                        .map(|&i| org_votes[i].clone())
                        .collect::<Vec<_>>(),
                    folds: &with.iter().map(|&i| folds[i]).collect::<Vec<_>>(),
                    class_count: labels.names.len(),
                    other_count: topics.names.len(),
                })
            });
            progress.advance(1);
            Head::new(labels.names, linear, temperature, ranker)
        },
    );
    Ok(Model {
        vocabulary,
        topics: Head::new(
            topics.names,
            topic_linear,
            topic_temperature,
            Some(topic_ranker),
        ),
        organisations,
        memory: Some(memory),
        trained_on: examples.len(),
    })
}

/// The `among` examples as a memory of labelled messages.
fn memory(
    xs: &[Sparse],
    among: &[usize],
    topics: &Labels,
    organisations: Option<&Labels>,
    features: usize,
) -> Memory {
    Memory::new(
        Neighbours::new(among.iter().map(|&i| &xs[i]), features),
        among.iter().map(|&i| topics.ys[i].unwrap_or(0)).collect(),
        among
            .iter()
            .map(|&i| organisations.and_then(|o| o.ys[i]))
            .collect(),
    )
}
