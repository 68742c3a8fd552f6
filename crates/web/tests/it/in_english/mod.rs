//! Every page speaks English to whoever asks for it (the `lang` cookie):
//! residents' account pages, staff's case work, administrators' pages.

mod account;
mod admin;
mod casework;

use crate::accounts::Browser;
use crate::common::TestApp;

/// A demo user signed in, asking for English.
async fn signed_in<'a>(app: &'a TestApp, email: &str) -> Browser<'a> {
    let mut browser = Browser::new(app);
    browser.sign_in(email, "vmeste-demo").await;
    assert!(browser.signed_in(), "{email} could not sign in");
    browser.cookies.push_str("; lang=en");
    browser
}

/// The page has every `english` text and none of the `russian` ones.
fn assert_english(body: &str, english: &[&str], russian: &[&str]) {
    for text in english {
        assert!(body.contains(text), "no «{text}» in {body}");
    }
    for text in russian {
        assert!(!body.contains(text), "Russian «{text}» in {body}");
    }
}
