//! Delivers queued e-mails over SMTP (lettre). Without an SMTP server
//! configured, a mail is logged by recipient and subject — never its body,
//! which may hold a sign-in link — and dropped.

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use vmeste_web::mail::Email;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the queued e-mail is malformed: {0}")]
    Payload(String),
    #[error("address: {0}")]
    Address(#[from] lettre::address::AddressError),
    #[error("building the e-mail: {0}")]
    Build(#[from] lettre::error::Error),
    #[error("SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
}

pub struct Mailer {
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
}

impl Mailer {
    /// `smtp_url` and `from` were checked when the configuration loaded.
    pub fn new(smtp_url: &str, from: &str) -> Result<Self, MailError> {
        let transport = if smtp_url.is_empty() {
            None
        } else {
            Some(AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)?.build())
        };
        Ok(Self {
            transport,
            from: from.parse()?,
        })
    }

    /// Sends one queued e-mail (the job's payload).
    pub async fn send(&self, payload: &str) -> Result<(), MailError> {
        let email: Email =
            serde_json::from_str(payload).map_err(|e| MailError::Payload(e.to_string()))?;
        let Some(transport) = &self.transport else {
            tracing::warn!(subject = %email.subject, "no SMTP server configured; e-mail dropped");
            return Ok(());
        };
        let message = Message::builder()
            .from(self.from.clone())
            .to(email.to.parse()?)
            .subject(email.subject)
            .multipart(MultiPart::alternative_plain_html(email.text, email.html))?;
        transport.send(message).await?;
        Ok(())
    }
}
