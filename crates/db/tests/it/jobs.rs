use chrono::Duration;
use vmeste_db::jobs::{self, NewJob};
use vmeste_test_support::{TestDb, start_time};

fn job(key: Option<&str>, max_attempts: i32) -> NewJob<'_> {
    NewJob {
        kind: "test",
        payload: "{}",
        dedupe_key: key,
        run_at: start_time(),
        max_attempts,
    }
}

#[tokio::test]
async fn a_dedupe_key_enqueues_once() {
    let test = TestDb::new().await;
    let mut tx = test.db.write().await.unwrap();
    let mut c = tx.conn();
    assert!(
        jobs::enqueue(&mut c, &job(Some("daily:1"), 3), start_time())
            .await
            .unwrap()
    );
    assert!(
        !jobs::enqueue(&mut c, &job(Some("daily:1"), 3), start_time())
            .await
            .unwrap()
    );
    assert!(
        jobs::enqueue(&mut c, &job(None, 3), start_time())
            .await
            .unwrap()
    );
    assert!(
        jobs::enqueue(&mut c, &job(None, 3), start_time())
            .await
            .unwrap()
    );
    assert_eq!(jobs::pending(&mut c).await.unwrap(), 3);
}

#[tokio::test]
async fn a_claimed_job_is_leased_then_completed() {
    let test = TestDb::new().await;
    let now = start_time();
    let mut tx = test.db.write().await.unwrap();
    let mut c = tx.conn();
    jobs::enqueue(&mut c, &job(None, 3), now).await.unwrap();
    let claimed = jobs::claim(&mut c, now, Duration::minutes(5))
        .await
        .unwrap()
        .expect("a due job");
    assert_eq!(claimed.attempts, 1);
    assert!(
        jobs::claim(&mut c, now, Duration::minutes(5))
            .await
            .unwrap()
            .is_none(),
        "leased"
    );
    // The worker died: after the lease another one takes the job over.
    let again = jobs::claim(&mut c, now + Duration::minutes(6), Duration::minutes(5))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((again.id, again.attempts), (claimed.id, 2));
    jobs::complete(&mut c, again.id).await.unwrap();
    assert_eq!(jobs::pending(&mut c).await.unwrap(), 0);
}

#[tokio::test]
async fn failures_back_off_and_the_last_one_buries_the_job() {
    let test = TestDb::new().await;
    let now = start_time();
    let mut tx = test.db.write().await.unwrap();
    let mut c = tx.conn();
    jobs::enqueue(&mut c, &job(None, 2), now).await.unwrap();
    let first = jobs::claim(&mut c, now, Duration::minutes(5))
        .await
        .unwrap()
        .unwrap();
    jobs::fail(&mut c, &first, "boom", now).await.unwrap();
    assert!(
        jobs::claim(&mut c, now + Duration::seconds(29), Duration::minutes(5))
            .await
            .unwrap()
            .is_none()
    );
    let second = jobs::claim(&mut c, now + Duration::seconds(30), Duration::minutes(5))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.attempts, 2);
    jobs::fail(&mut c, &second, "boom again", now)
        .await
        .unwrap();
    assert!(
        jobs::claim(&mut c, now + Duration::days(1), Duration::minutes(5))
            .await
            .unwrap()
            .is_none(),
        "dead"
    );
    assert_eq!(jobs::pending(&mut c).await.unwrap(), 0);
    assert_eq!(
        jobs::purge_dead(&mut c, now + Duration::days(1))
            .await
            .unwrap(),
        1
    );
}

#[test]
fn backoff_doubles_up_to_a_cap() {
    assert_eq!(jobs::backoff(1), Duration::seconds(30));
    assert_eq!(jobs::backoff(2), Duration::seconds(60));
    assert_eq!(jobs::backoff(4), Duration::seconds(240));
    assert_eq!(jobs::backoff(50), Duration::hours(6));
}
