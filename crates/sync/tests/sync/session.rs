//! The one re-login rule, against the real mock: a refused token is
//! forgotten, the session logs in again once with the stored password and
//! the request runs once more; a request refused again is not retried
//! without end. Clones share the token (the app's features and its worker).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use portdesk_store::{ReferenceKind, Store};
use portdesk_sync::{
    reference, Account, CredentialStore, MemoryStore, Secret, SecretKind, Session,
};

use crate::common::*;

async fn session(mock: &Mock, dir: &std::path::Path) -> (Session, Arc<MemoryStore>) {
    let store = Store::open(&dir.join("portdesk.db")).await.unwrap();
    let account = Account::new(&mock.base, BROKER, OPERATOR);
    let creds = Arc::new(MemoryStore::new());
    creds
        .set(&account, SecretKind::Password, &Secret::new(PASSWORD))
        .unwrap();
    // A token the server never issued: the first request is refused.
    creds
        .set(&account, SecretKind::Token, &Secret::new("stale-token"))
        .unwrap();
    let session = Session::new(store, account, creds.clone(), Duration::from_secs(20));
    (session, creds)
}

#[tokio::test]
async fn a_refused_token_is_replaced_once_and_shared_by_clones() {
    let mock = Mock::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let (session, creds) = session(&mock, dir.path()).await;
    let calls = AtomicUsize::new(0);
    let fetched = session
        .authorized(|token| {
            let (session, calls) = (&session, &calls);
            async move {
                calls.fetch_add(1, Ordering::SeqCst);
                reference::refresh(
                    session.client(),
                    session.store(),
                    session.account(),
                    &token,
                    ReferenceKind::Enterprise,
                )
                .await
            }
        })
        .await
        .unwrap();
    assert_eq!(fetched, reference::Fetched::Updated);
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "refused once, then sent once more"
    );
    // The new token is kept in the keyring and seen by a clone.
    let kept = creds
        .get(session.account(), SecretKind::Token)
        .unwrap()
        .expect("token kept");
    assert_ne!(kept.expose(), "stale-token");
    let clone = session.clone();
    assert_eq!(
        clone.stored_token().unwrap().unwrap().expose(),
        kept.expose()
    );
    // The log shows the refused request, the login and the retry.
    let paths: Vec<(String, Option<u16>)> = session
        .store()
        .message_log(None)
        .await
        .unwrap()
        .into_iter()
        .filter(|l| l.status.is_some())
        .map(|l| (l.path, l.status))
        .collect();
    assert_eq!(
        paths,
        [
            ("/v1/enterprise".to_owned(), Some(401)),
            ("/v1/auth/login".to_owned(), Some(200)),
            ("/v1/enterprise".to_owned(), Some(200)),
        ]
    );
}

#[tokio::test]
async fn a_request_refused_again_is_not_retried_again() {
    let mock = Mock::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let (session, _) = session(&mock, dir.path()).await;
    let calls = AtomicUsize::new(0);
    let err = session
        .authorized(|_token| {
            let calls = &calls;
            async move {
                calls.fetch_add(1, Ordering::SeqCst);
                Err::<(), _>(portdesk_sync::SyncError::NotLoggedIn("refused".into()))
            }
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), "not_logged_in");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}
