//! A real SMTP server for tests: aiosmtpd (from PyPI) run by
//! `scripts/smtp_sink.py`, which writes each message it receives, decoded, to
//! a folder the test reads.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

use serde::Deserialize;

/// A delivered message, as the server decoded it.
#[derive(Debug, Clone, Deserialize)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    pub text: Option<String>,
    pub html: Option<String>,
}

pub struct SmtpSink {
    child: Child,
    _stdin: ChildStdin,
    folder: tempfile::TempDir,
    port: u16,
}

impl SmtpSink {
    /// Starts the server; panics with what to install if Python or aiosmtpd is missing.
    pub fn start() -> Self {
        let folder = tempfile::tempdir().expect("a folder for mail");
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/smtp_sink.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(folder.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs");
        let stdin = child.stdin.take().expect("stdin piped");
        let stdout = child.stdout.take().expect("stdout piped");
        let mut line = String::new();
        let mut reader = BufReader::new(stdout);
        reader
            .read_line(&mut line)
            .expect("the SMTP sink says its port");
        // Keep reading: a closed pipe would kill the sink at its next line.
        std::thread::spawn(move || reader.lines().for_each(drop));
        let port = line
            .trim()
            .strip_prefix("PORT ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| {
                panic!("the SMTP sink did not start (run `pip install aiosmtpd==1.4.6`): {line:?}")
            });
        Self {
            child,
            _stdin: stdin,
            folder,
            port,
        }
    }

    /// `smtp://127.0.0.1:<port>`, for the application's `smtp_url`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages received so far, in order.
    pub fn mails(&self) -> Vec<Mail> {
        let mut paths: Vec<_> = std::fs::read_dir(self.folder.path())
            .expect("the mail folder")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| {
                serde_json::from_str(&std::fs::read_to_string(p).expect("a mail"))
                    .expect("mail JSON")
            })
            .collect()
    }

    /// Waits up to 20 seconds for at least `count` messages.
    pub async fn wait_for(&self, count: usize) -> Vec<Mail> {
        for _ in 0..400 {
            let mails = self.mails();
            if mails.len() >= count {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("expected {count} e-mails, got {:?}", self.mails());
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
