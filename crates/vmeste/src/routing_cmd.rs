//! `vmeste routing …`: train the classifier on a file of labelled messages,
//! measure it, explain one suggestion, time it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use vmeste_db::{Conn, catalogue, organisations, routing_labels, routing_models, routing_training};
use vmeste_domain::clock::Clock;
use vmeste_routing::classifier::{self, Example, Model, Progress, ReasonKind};
use vmeste_routing::kursk;

use crate::config::Config;
use crate::serve;

#[derive(Debug, Subcommand)]
pub enum RoutingCommand {
    /// Train a model on labelled messages — a file, or the platform's own
    /// history — and write it to a file or make it the product's model.
    Train {
        /// The file of labelled messages.
        #[arg(long, required_unless_present = "from_db", conflicts_with = "from_db")]
        data: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::KurskCsv)]
        format: Format,
        /// Learn from the configured database: every routing decision staff
        /// made, and every answered message (its topic and organisation confirmed).
        #[arg(long)]
        from_db: bool,
        /// Where to write the model.
        #[arg(long, required_unless_present = "activate")]
        out: Option<PathBuf>,
        /// With --from-db: judge the model on a held-out fifth of the history
        /// against the active one and make it active if it is not worse.
        #[arg(long, requires = "from_db")]
        activate: bool,
    },
    /// Put the product's previous model back (the active one is set aside).
    Rollback,
    /// The product's latest models, with their status and figures.
    Models,
    /// Measure a model on labelled messages it did not learn from; the last
    /// line of the output is one JSON object with the figures.
    Eval {
        #[arg(long)]
        model: PathBuf,
        #[command(flatten)]
        data: Labelled,
    },
    /// k-fold cross-validation on one file: each fold is measured by a model
    /// trained on the others; the last line is the mean figures as JSON.
    Cv {
        #[command(flatten)]
        data: Labelled,
        #[arg(long, default_value_t = 5)]
        folds: usize,
    },
    /// Show a model's suggestions for a text, with the words behind them.
    Explain {
        /// A model file; without it, the product's active model in the
        /// configured database, its suggestions named as the catalogue and
        /// the organisations' register name them.
        #[arg(long)]
        model: Option<PathBuf>,
        #[arg(long)]
        text: String,
        /// When the message came, in the unit of the training data's times
        /// (message number or Unix seconds); the product's model reads now.
        #[arg(long)]
        at: Option<i64>,
    },
    /// Time suggestions on one core: per-message latency over a file's texts.
    Bench {
        #[arg(long)]
        model: PathBuf,
        #[command(flatten)]
        data: Labelled,
        /// Passes over the texts.
        #[arg(long, default_value_t = 5)]
        rounds: usize,
    },
}

/// A file of labelled messages.
#[derive(Debug, Args)]
pub struct Labelled {
    /// The file.
    #[arg(long = "data")]
    path: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::KurskCsv)]
    format: Format,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// `id, Текст Сообщения, Тематика, Ответственное лицо[, Категория]`.
    KurskCsv,
}

pub async fn run(
    command: RoutingCommand,
    config: &Config,
    clock: &dyn Clock,
) -> anyhow::Result<()> {
    match command {
        RoutingCommand::Train {
            data,
            format,
            from_db,
            out,
            activate,
        } => {
            let examples = match data {
                Some(path) => read(&Labelled { path, format })?,
                None if from_db => history(config).await?,
                None => anyhow::bail!("give --data FILE or --from-db"),
            };
            if activate {
                let db = serve::connect(config).await?;
                let outcome =
                    routing_training::judge_and_store(&db, examples.clone(), clock.now()).await?;
                println!("{outcome}");
            }
            if let Some(out) = out {
                let model = Model::train(&examples, &Bar::default())?;
                std::fs::write(&out, model.to_bytes())
                    .with_context(|| format!("writing {}", out.display()))?;
                println!(
                    "model trained on {} messages, {} topics, written to {}",
                    model.trained_on(),
                    model.topic_labels().len(),
                    out.display()
                );
            }
        }
        RoutingCommand::Rollback => {
            let db = serve::connect(config).await?;
            let mut tx = db.write().await?;
            let back = routing_models::rollback(&mut tx.conn(), clock.now()).await?;
            tx.commit().await?;
            match back {
                Some(id) => println!("model {id} is active again"),
                None => anyhow::bail!("there is no previous model to return to"),
            }
        }
        RoutingCommand::Models => {
            let db = serve::connect(config).await?;
            let mut handle = db.read().await?;
            println!(
                "{:>5}  {:<9} {:<20} {:>8} {:>10} {:>10}",
                "id", "status", "created", "examples", "topic top-1", "rival"
            );
            for m in routing_models::recent(&mut handle.conn(), 20).await? {
                println!(
                    "{:>5}  {:<9} {:<20} {:>8} {:>10} {:>10}",
                    m.id,
                    m.status,
                    m.created_at.format("%Y-%m-%d %H:%M:%S"),
                    m.trained_on,
                    m.topic_top1.map_or("—".to_owned(), |v| format!("{v:.3}")),
                    m.rival_topic_top1
                        .map_or("—".to_owned(), |v| format!("{v:.3}")),
                );
            }
        }
        RoutingCommand::Eval { model, data } => {
            let model = load(&model)?;
            let report = classifier::report(&model, &read(&data)?, 20);
            print_report(&report);
            println!("{}", serde_json::to_string(&report.evaluation)?);
        }
        RoutingCommand::Cv { data, folds } => cross_validate(&read(&data)?, folds)?,
        RoutingCommand::Explain {
            model: Some(path),
            text,
            at,
        } => explain(&load(&path)?, &text, at, &Names::default()),
        RoutingCommand::Explain {
            model: None,
            text,
            at,
        } => {
            let db = serve::connect(config).await?;
            let mut handle = db.read().await?;
            let mut conn = handle.conn();
            let active = routing_models::active(&mut conn).await?.context(
                "the database has no active routing model: train one with \
                 `vmeste routing train --from-db --activate`, or give --model FILE",
            )?;
            let model = routing_models::load(&mut conn, active.id).await?;
            let names = Names::load(&mut conn).await?;
            let at = at.unwrap_or_else(|| clock.now().timestamp());
            explain(&model, &text, Some(at), &names);
        }
        RoutingCommand::Bench {
            model,
            data,
            rounds,
        } => bench(&load(&model)?, &read(&data)?, rounds),
    }
    Ok(())
}

/// The platform's own labelled history, from the configured database.
async fn history(config: &Config) -> anyhow::Result<Vec<Example>> {
    let db = serve::connect(config).await?;
    let mut handle = db.read().await?;
    let labels = routing_labels::history(&mut handle.conn()).await?;
    anyhow::ensure!(
        !labels.is_empty(),
        "the database has no routing decisions or answered messages to learn from"
    );
    Ok(routing_training::examples(&labels))
}

fn read(data: &Labelled) -> anyhow::Result<Vec<Example>> {
    let path = &data.path;
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let examples = match data.format {
        Format::KurskCsv => {
            kursk::parse(&bytes).with_context(|| format!("reading {}", path.display()))?
        }
    };
    anyhow::ensure!(
        !examples.is_empty(),
        "{} has no labelled messages",
        path.display()
    );
    Ok(examples)
}

fn load(path: &Path) -> anyhow::Result<Model> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Model::from_bytes(&bytes).with_context(|| format!("loading {}", path.display()))
}

fn print_report(report: &classifier::Report) {
    let e = &report.evaluation;
    println!("messages: {}", e.n);
    println!(
        "topic: top-1 {:.3}, top-3 {:.3}; organisation: top-1 {:.3}, top-3 {:.3}; {:.3} ms per message",
        e.topic_top1, e.topic_top3, e.organisation_top1, e.organisation_top3, e.ms_per_message
    );
    println!("\nthe {} largest topics:", report.topics.len());
    println!("{:>7} {:>9} {:>6}  topic", "support", "precision", "recall");
    for class in &report.topics {
        println!(
            "{:>7} {:>9.3} {:>6.3}  {}",
            class.support, class.precision, class.recall, class.label
        );
    }
    println!("\ncommonest confusions (actual → suggested first):");
    for c in &report.confusions {
        println!("{:>4}  {} → {}", c.count, c.actual, c.predicted);
    }
}

fn cross_validate(examples: &[Example], folds: usize) -> anyhow::Result<()> {
    anyhow::ensure!(
        folds >= 2 && folds <= examples.len(),
        "folds must be between 2 and the number of messages"
    );
    let order = classifier::split(examples, 1.0, 1).1;
    let mut results = Vec::with_capacity(folds);
    for fold in 0..folds {
        let (test, train): (Vec<_>, Vec<_>) = order
            .iter()
            .enumerate()
            .partition(|(i, _)| i % folds == fold);
        let strip = |part: Vec<(usize, &Example)>| -> Vec<Example> {
            part.into_iter().map(|(_, e)| e.clone()).collect()
        };
        let model = Model::train(&strip(train), &classifier::NoProgress)?;
        let e = classifier::evaluate(&model, &strip(test));
        println!(
            "fold {}: n {}, topic top-1 {:.3}, top-3 {:.3}, organisation top-1 {:.3}, top-3 {:.3}",
            fold + 1,
            e.n,
            e.topic_top1,
            e.topic_top3,
            e.organisation_top1,
            e.organisation_top3
        );
        results.push(e);
    }
    let mean = |f: fn(&classifier::Evaluation) -> f64| {
        results.iter().map(f).sum::<f64>() / results.len() as f64
    };
    let summary = classifier::Evaluation {
        n: results.iter().map(|e| e.n).sum(),
        topic_top1: mean(|e| e.topic_top1),
        topic_top3: mean(|e| e.topic_top3),
        organisation_top1: mean(|e| e.organisation_top1),
        organisation_top3: mean(|e| e.organisation_top3),
        ms_per_message: mean(|e| e.ms_per_message),
    };
    println!("{}", serde_json::to_string(&summary)?);
    Ok(())
}

/// The product's topics and organisations by id, to name a model's labels;
/// empty for a model trained on a file, whose labels are names already.
#[derive(Default)]
struct Names {
    topics: HashMap<String, String>,
    organisations: HashMap<String, String>,
}

impl Names {
    async fn load(conn: &mut Conn<'_>) -> anyhow::Result<Self> {
        let topics = catalogue::topics(conn)
            .await?
            .into_iter()
            .map(|t| (t.id.to_string(), t.name_ru))
            .collect();
        let organisations = organisations::list(conn)
            .await?
            .into_iter()
            .map(|o| (o.id.to_string(), o.name_ru))
            .collect();
        Ok(Self {
            topics,
            organisations,
        })
    }
}

/// A label as people read it: «name [id]» where the product names it.
fn named(names: &HashMap<String, String>, label: &str) -> String {
    match names.get(label) {
        Some(name) => format!("{name} [{label}]"),
        None => label.to_owned(),
    }
}

fn explain(model: &Model, text: &str, at: Option<i64>, names: &Names) {
    let suggestions = model.suggest_at(text, at, 3);
    // Each prediction's labels, and the other prediction's, which its
    // "goes with" reasons name.
    let show = |title: &str,
                list: &[classifier::Suggestion],
                (own, other): (&HashMap<String, String>, &HashMap<String, String>)| {
        println!("{title}:");
        for s in list {
            let reasons: Vec<String> = s
                .because
                .iter()
                .map(|r| match r.kind {
                    ReasonKind::Words => format!("«{}» {:+.2}", r.words, r.weight),
                    ReasonKind::Precedent => format!(
                        "{:.0} % of the messages just before went here",
                        r.weight * 100.0
                    ),
                    ReasonKind::Related => format!(
                        "goes with «{}» ({:.0} % of its messages)",
                        named(other, &r.words),
                        r.weight * 100.0
                    ),
                    ReasonKind::Similar => format!(
                        "a similar message ({:.0} % alike) was decided so",
                        r.weight * 100.0
                    ),
                })
                .collect();
            println!(
                "  {:>5.1} %  {}\n           because: {}",
                s.confidence * 100.0,
                named(own, &s.label),
                if reasons.is_empty() {
                    "no known words; the most frequent classes".to_owned()
                } else {
                    reasons.join(", ")
                }
            );
            if !s.factors.is_empty() {
                let factors: Vec<String> = s
                    .factors
                    .iter()
                    .filter(|f| f.push.abs() >= 0.005)
                    .map(|f| format!("{} {:+.2}", f.name, f.push))
                    .collect();
                println!("           trees: {}", factors.join(", "));
            }
        }
    };
    show(
        "topics",
        &suggestions.topics,
        (&names.topics, &names.organisations),
    );
    if !suggestions.organisations.is_empty() {
        show(
            "organisations",
            &suggestions.organisations,
            (&names.organisations, &names.topics),
        );
    }
}

fn bench(model: &Model, examples: &[Example], rounds: usize) {
    let mut times: Vec<f64> = Vec::with_capacity(examples.len() * rounds);
    for _ in 0..rounds {
        for example in examples {
            let started = Instant::now();
            std::hint::black_box(model.suggest_at(
                std::hint::black_box(&example.text),
                example.at,
                3,
            ));
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!(
        "{} suggestions on one thread: mean {:.3} ms, p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        times.len(),
        times.iter().sum::<f64>() / times.len() as f64,
        at(0.5),
        at(0.99),
        at(1.0)
    );
}

/// A progress bar per training stage.
struct Bar(ProgressBar);

impl Default for Bar {
    fn default() -> Self {
        Self(ProgressBar::hidden())
    }
}

impl Progress for Bar {
    fn stage(&self, name: &str, total: u64) {
        self.0.finish_and_clear();
        self.0
            .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        self.0.set_style(
            ProgressStyle::with_template("{msg:>14} [{bar:40}] {pos}/{len} epochs {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        self.0.set_message(name.to_owned());
        self.0.set_length(total);
        self.0.set_position(0);
    }

    fn advance(&self, n: u64) {
        self.0.inc(n);
    }
}
