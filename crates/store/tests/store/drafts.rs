//! The store against real SQLite files in temp dirs: migrations, the draft
//! lifecycle, revision history, trash, paging, filters, full-text search and
//! durability across close/reopen.

use std::path::{Path, PathBuf};

use portdesk_domain::{
    client_seq_no_for, Container, Declaration, DraftQuery, DraftStatus, GoodsLine, IeFlag, SaveInfo,
};
use portdesk_store::{Store, StoreError};
use tempfile::TempDir;
use uuid::Uuid;

fn info(note: &str) -> SaveInfo {
    SaveInfo {
        status: DraftStatus::Draft,
        error_count: 2,
        warning_count: 1,
        note: note.into(),
    }
}

fn ready(note: &str) -> SaveInfo {
    SaveInfo {
        status: DraftStatus::Ready,
        error_count: 0,
        warning_count: 0,
        note: note.into(),
    }
}

/// A declaration with the fields search cares about filled in.
fn declaration(id: Uuid, company: &str, bill_no: &str) -> Declaration {
    let mut d = Declaration::new(client_seq_no_for(id), IeFlag::E);
    d.head.trade_name = company.into();
    d.head.bill_no = bill_no.into();
    d.lines.push(GoodsLine {
        commodity_code: "8471300000".into(),
        name: "便携式电脑".into(),
        quantity: "10".into(),
        ..GoodsLine::default()
    });
    d.containers.push(Container {
        number: "MSKU1234565".into(),
        size_type: "22G1".into(),
        ..Container::default()
    });
    d
}

async fn open(dir: &TempDir) -> Store {
    Store::open(&db_path(dir)).await.unwrap()
}

fn db_path(dir: &TempDir) -> PathBuf {
    dir.path().join("portdesk.db")
}

async fn create(store: &Store, company: &str, bill_no: &str) -> (Uuid, Declaration) {
    let id = Uuid::now_v7();
    let d = declaration(id, company, bill_no);
    store
        .create_declaration(id, &d, &info("created"))
        .await
        .unwrap();
    (id, d)
}

async fn search(store: &Store, text: &str) -> Vec<Uuid> {
    let page = store
        .list_drafts(&DraftQuery {
            text: Some(text.into()),
            ..DraftQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(
        page.total as usize,
        page.items.len(),
        "one page is all of them here"
    );
    page.items.iter().map(|m| m.id).collect()
}

#[tokio::test]
async fn migrates_an_empty_file_and_a_missing_folder() {
    let dir = TempDir::new().unwrap();
    // An existing, empty file (0 bytes) is a valid empty database.
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let store = Store::open(&empty).await.unwrap();
    assert_eq!(store.integrity_check().await.unwrap(), "ok");
    let page = store.list_drafts(&DraftQuery::default()).await.unwrap();
    assert_eq!(page.total, 0);
    store.close().await;

    // Nested folders that do not exist yet are created.
    let nested: PathBuf = dir.path().join("a/b/c/portdesk.db");
    let store = Store::open(&nested).await.unwrap();
    assert!(nested.exists());
    store.close().await;

    // Opening again applies nothing new and fails on nothing.
    let store = Store::open(&nested).await.unwrap();
    assert_eq!(store.integrity_check().await.unwrap(), "ok");
}

#[tokio::test]
async fn the_file_is_in_wal_mode() {
    let dir = TempDir::new().unwrap();
    let store = open(&dir).await;
    create(&store, "甲公司", "B1").await;
    // The -wal file exists while connections are open.
    let wal = Path::new(&format!("{}-wal", db_path(&dir).display())).to_owned();
    assert!(wal.exists());
    store.close().await;
}

#[tokio::test]
async fn create_save_get_roundtrip() {
    let dir = TempDir::new().unwrap();
    let store = open(&dir).await;
    let id = Uuid::now_v7();
    let mut d = declaration(id, "深圳市华强电子有限公司", "COSU6123456789");
    let created = store
        .create_declaration(id, &d, &info("created"))
        .await
        .unwrap();
    assert_eq!(created.revision, 1);
    assert_eq!(created.title, "深圳市华强电子有限公司");
    assert_eq!(created.ie_flag, IeFlag::E);
    assert_eq!(created.status, DraftStatus::Draft);
    assert_eq!((created.error_count, created.warning_count), (2, 1));
    assert_eq!(created.created_at, created.updated_at);
    assert!(created.trashed_at.is_none());

    let (meta, got) = store.get_declaration(id).await.unwrap();
    assert_eq!(meta, created);
    assert_eq!(got, d);

    d.head.remarks = "第二版".into();
    d.head.trade_name = String::new(); // the title falls back to the bill of lading
    let saved = store
        .save_declaration(id, &d, &ready("save"))
        .await
        .unwrap();
    assert_eq!(saved.revision, 2);
    assert_eq!(saved.title, "COSU6123456789");
    assert_eq!(saved.status, DraftStatus::Ready);
    assert_eq!(saved.created_at, created.created_at);
    assert!(saved.updated_at >= created.updated_at);

    let (meta, got) = store.get_declaration(id).await.unwrap();
    assert_eq!(meta, saved);
    assert_eq!(got, d);
}

#[tokio::test]
async fn identical_save_writes_no_revision() {
    let dir = TempDir::new().unwrap();
    let store = open(&dir).await;
    let (id, d) = create(&store, "甲公司", "B1").await;
    let before = store.get_declaration(id).await.unwrap().0;
    let again = store
        .save_declaration(id, &d, &ready("autosave"))
        .await
        .unwrap();
    assert_eq!(again, before, "nothing changed, not even the status");
    assert_eq!(store.history(id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn history_lists_all_revisions_newest_first() {
    let dir = TempDir::new().unwrap();
    let store = open(&dir).await;
    let (id, mut d) = create(&store, "甲公司", "B1").await;
    for i in 2..=4 {
        d.head.remarks = format!("r{i}");
        store
            .save_declaration(id, &d, &ready(&format!("save {i}")))
            .await
            .unwrap();
    }
    let history = store.history(id).await.unwrap();
    let revisions: Vec<i64> = history.iter().map(|r| r.revision).collect();
    assert_eq!(revisions, [4, 3, 2, 1]);
    assert_eq!(history[0].note, "save 4");
    assert_eq!(history[3].note, "created");
    assert_eq!(history[3].status, DraftStatus::Draft);
    assert_eq!(history[0].status, DraftStatus::Ready);
    assert!(history.windows(2).all(|w| w[0].saved_at >= w[1].saved_at));

    assert_eq!(store.revision(id, 3).await.unwrap().head.remarks, "r3");
    assert!(matches!(
        store.revision(id, 9).await,
        Err(StoreError::RevisionNotFound { revision: 9, .. })
    ));
    let missing = Uuid::now_v7();
    assert!(matches!(
        store.history(missing).await,
        Err(StoreError::NotFound { .. })
    ));
    let err = store.revision(missing, 1).await.unwrap_err();
    assert_eq!(err.code(), "not_found");
}

#[tokio::test]
async fn restore_appends_the_old_body_as_a_new_revision() {
    let dir = TempDir::new().unwrap();
    let store = open(&dir).await;
    let (id, original) = create(&store, "甲公司", "B1").await;
    let mut d = original.clone();
    d.head.bill_no = "B2".into();
    store
        .save_declaration(id, &d, &ready("save"))
        .await
        .unwrap();

    let meta = store
        .restore_revision(id, 1, &info("restore r1"))
        .await
        .unwrap();
    assert_eq!(meta.revision, 3);
    assert_eq!(store.get_declaration(id).await.unwrap().1, original);
    assert_eq!(
        store.revision(id, 3).await.unwrap(),
        store.revision(id, 1).await.unwrap()
    );
    // Revision 2 is still there: history is never rewritten.
    assert_eq!(store.revision(id, 2).await.unwrap().head.bill_no, "B2");
    let history = store.history(id).await.unwrap();
    assert_eq!(history.len(), 3);
    assert_eq!(history[0].note, "restore r1");
    // The search row follows the restored body.
    assert_eq!(search(&store, "B1").await, [id]);
    assert!(search(&store, "B2").await.is_empty());

    // Restoring what is already current writes nothing.
    let same = store
        .restore_revision(id, 3, &info("restore r3"))
        .await
        .unwrap();
    assert_eq!(same.revision, 3);
    assert!(matches!(
        store.restore_revision(id, 7, &info("x")).await,
        Err(StoreError::RevisionNotFound { .. })
    ));
}

#[tokio::test]
async fn trash_untrash_and_empty_trash() {
    let dir = TempDir::new().unwrap();
    let store = open(&dir).await;
    let (keep, _) = create(&store, "留下公司", "KEEP1").await;
    let (gone, mut gone_decl) = create(&store, "删除公司", "GONE1").await;
    let (back, _) = create(&store, "恢复公司", "BACK1").await;

    let trashed = store.trash(gone).await.unwrap();
    assert!(trashed.trashed_at.is_some());
    // Trashing twice keeps the first time.
    assert_eq!(
        store.trash(gone).await.unwrap().trashed_at,
        trashed.trashed_at
    );
    store.trash(back).await.unwrap();

    let live = store.list_drafts(&DraftQuery::default()).await.unwrap();
    assert_eq!(live.total, 1);
    assert_eq!(live.items[0].id, keep);
    let trash_query = DraftQuery {
        trashed: true,
        ..DraftQuery::default()
    };
    let trash = store.list_drafts(&trash_query).await.unwrap();
    assert_eq!(trash.total, 2);
    // Search covers both lists, each on its own side.
    assert!(search(&store, "GONE1").await.is_empty());
    let found = store
        .list_drafts(&DraftQuery {
            text: Some("删除".into()),
            ..trash_query.clone()
        })
        .await
        .unwrap();
    assert_eq!(found.items.len(), 1);
    assert_eq!(found.items[0].id, gone);

    // A trashed draft can be read but not saved.
    assert!(store.get_declaration(gone).await.is_ok());
    gone_decl.head.remarks = "edited in the trash".into();
    let err = store
        .save_declaration(gone, &gone_decl, &info("save"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Trashed { .. }));
    assert_eq!(err.code(), "trashed");

    let untrashed = store.untrash(back).await.unwrap();
    assert!(untrashed.trashed_at.is_none());
    assert_eq!(store.untrash(back).await.unwrap(), untrashed);
    assert_eq!(
        store
            .list_drafts(&DraftQuery::default())
            .await
            .unwrap()
            .total,
        2
    );

    assert_eq!(store.empty_trash().await.unwrap(), 1);
    assert!(matches!(
        store.get_declaration(gone).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.history(gone).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(store.get_declaration(keep).await.is_ok());
    assert!(store.get_declaration(back).await.is_ok());
    assert_eq!(store.list_drafts(&trash_query).await.unwrap().total, 0);
    assert_eq!(store.empty_trash().await.unwrap(), 0);
    assert!(matches!(
        store.trash(gone).await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(store.integrity_check().await.unwrap(), "ok");
}

#[tokio::test]
async fn failed_save_leaves_the_previous_revision_intact() {
    let dir = TempDir::new().unwrap();
    let store = open(&dir).await;
    let (id, d) = create(&store, "甲公司", "B1").await;
    let before = store.get_declaration(id).await.unwrap();

    // Changing the client sequence number is refused...
    let mut other = d.clone();
    other.client_seq_no = client_seq_no_for(Uuid::now_v7());
    other.head.remarks = "changed".into();
    let err = store
        .save_declaration(id, &other, &ready("save"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "client_seq_no_changed");

    // ...and so is saving in the trash.
    store.trash(id).await.unwrap();
    let mut edited = d.clone();
    edited.head.remarks = "changed".into();
    assert!(store
        .save_declaration(id, &edited, &ready("save"))
        .await
        .is_err());
    store.untrash(id).await.unwrap();

    let after = store.get_declaration(id).await.unwrap();
    assert_eq!(after.1, before.1);
    assert_eq!(after.0.revision, 1);
    assert_eq!(store.history(id).await.unwrap().len(), 1);
    assert_eq!(search(&store, "B1").await, [id]);

    // Saving an unknown draft is not found, not a create.
    let ghost = Uuid::now_v7();
    let err = store
        .save_declaration(ghost, &declaration(ghost, "x", "y"), &ready("save"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "not_found");
}

#[tokio::test]
async fn create_refuses_taken_ids_and_sequence_numbers() {
    let dir = TempDir::new().unwrap();
    let store = open(&dir).await;
    let (id, d) = create(&store, "甲公司", "B1").await;
    let err = store
        .create_declaration(id, &d, &info("created"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "already_exists");
    let err = store
        .create_declaration(Uuid::now_v7(), &d, &info("created"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "client_seq_no_taken");
    assert_eq!(
        store.find_by_client_seq_no(&d.client_seq_no).await.unwrap(),
        Some(id)
    );
    assert_eq!(store.find_by_client_seq_no("PD-none").await.unwrap(), None);
    assert_eq!(
        store
            .list_drafts(&DraftQuery::default())
            .await
            .unwrap()
            .total,
        1
    );
}

#[tokio::test]
async fn paging_orders_newest_updated_first() {
    let dir = TempDir::new().unwrap();
    let store = open(&dir).await;
    // Created in one batch: equal timestamps, so the tie-break is tested too.
    let batch: Vec<_> = (0..25)
        .map(|i| {
            let id = Uuid::now_v7();
            (
                id,
                declaration(id, &format!("公司{i}"), &format!("BL{i:03}")),
                info("import"),
            )
        })
        .collect();
    let created = store.create_declarations(&batch).await.unwrap();
    assert_eq!(created.len(), 25);
    // Touch one old draft: it moves to the top.
    let (touched, mut d, _) = batch[3].clone();
    d.head.remarks = "touched".into();
    std::thread::sleep(std::time::Duration::from_millis(5));
    store
        .save_declaration(touched, &d, &info("save"))
        .await
        .unwrap();

    let mut seen = Vec::new();
    for offset in [0, 10, 20] {
        let page = store
            .list_drafts(&DraftQuery {
                offset,
                limit: 10,
                ..DraftQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(page.total, 25);
        seen.extend(page.items);
    }
    assert_eq!(seen.len(), 25);
    assert_eq!(seen[0].id, touched);
    assert!(seen.windows(2).all(|w| w[0].updated_at >= w[1].updated_at));
    let mut ids: Vec<_> = seen.iter().map(|m| m.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 25, "no draft on two pages");
    // Equal updated_at: later created (higher seq) first.
    assert_eq!(seen[1].id, batch[24].0);
    assert_eq!(seen[24].id, batch[0].0);

    // limit 0 is the default page, large limits are capped.
    let page = store.list_drafts(&DraftQuery::default()).await.unwrap();
    assert_eq!(page.items.len(), 25);
    let past = store
        .list_drafts(&DraftQuery {
            offset: 100,
            ..DraftQuery::default()
        })
        .await
        .unwrap();
    assert!(past.items.is_empty());
    assert_eq!(past.total, 25);
}

#[tokio::test]
async fn default_and_max_page_sizes() {
    let dir = TempDir::new().unwrap();
    let store = open(&dir).await;
    let batch: Vec<_> = (0..520)
        .map(|i| {
            let id = Uuid::now_v7();
            (
                id,
                declaration(id, "公司", &format!("BL{i}")),
                info("import"),
            )
        })
        .collect();
    store.create_declarations(&batch).await.unwrap();
    let page = store.list_drafts(&DraftQuery::default()).await.unwrap();
    assert_eq!((page.items.len(), page.total), (50, 520));
    let page = store
        .list_drafts(&DraftQuery {
            limit: 10_000,
            ..DraftQuery::default()
        })
        .await
        .unwrap();
    assert_eq!((page.items.len(), page.total), (500, 520));
}

#[tokio::test]
async fn filters_by_status_and_ie_flag() {
    let dir = TempDir::new().unwrap();
    let store = open(&dir).await;
    let (a, _) = create(&store, "甲公司", "A1").await; // draft, export
    let (b, mut bd) = create(&store, "乙公司", "B1").await;
    bd.head.ie_flag = IeFlag::I;
    store
        .save_declaration(b, &bd, &ready("save"))
        .await
        .unwrap(); // ready, import
    let (c, cd) = create(&store, "丙公司", "C1").await;
    let mut cd2 = cd.clone();
    cd2.head.remarks = "ok".into();
    store
        .save_declaration(c, &cd2, &ready("save"))
        .await
        .unwrap(); // ready, export

    let list = |status: Option<DraftStatus>, ie_flag: Option<IeFlag>, text: Option<&str>| {
        let store = store.clone();
        let q = DraftQuery {
            status,
            ie_flag,
            text: text.map(Into::into),
            ..DraftQuery::default()
        };
        async move {
            let page = store.list_drafts(&q).await.unwrap();
            assert_eq!(page.total as usize, page.items.len());
            page.items.into_iter().map(|m| m.id).collect::<Vec<_>>()
        }
    };
    assert_eq!(list(Some(DraftStatus::Draft), None, None).await, [a]);
    assert_eq!(list(Some(DraftStatus::Ready), None, None).await, [c, b]);
    assert_eq!(list(None, Some(IeFlag::I), None).await, [b]);
    assert_eq!(
        list(Some(DraftStatus::Ready), Some(IeFlag::E), None).await,
        [c]
    );
    assert_eq!(
        list(Some(DraftStatus::Ready), None, Some("公司")).await,
        [c, b]
    );
    assert_eq!(
        list(Some(DraftStatus::Draft), None, Some("乙")).await,
        Vec::<Uuid>::new()
    );
}

#[tokio::test]
async fn full_text_search() {
    let dir = TempDir::new().unwrap();
    let store = open(&dir).await;
    let (huaqiang, _) = create(&store, "深圳市华强电子有限公司", "COSU6123456789").await;
    let (cosco, _) = create(&store, "中远海运物流有限公司", "MEDU7788990011").await;

    let id = Uuid::now_v7();
    let mut d = declaration(id, "宁波进出口贸易公司", "EGLV1400123456");
    d.lines[0].commodity_code = "6109100021".into();
    d.lines[0].name = "棉制针织T恤衫".into();
    d.containers[0].number = "TGHU8877665".into();
    store
        .create_declaration(id, &d, &info("created"))
        .await
        .unwrap();
    let ningbo = id;

    // Chinese company-name substrings of 2+ characters, anywhere in the name.
    assert_eq!(search(&store, "华强").await, [huaqiang]);
    assert_eq!(search(&store, "华强电子").await, [huaqiang]);
    assert_eq!(search(&store, "中远").await, [cosco]);
    assert_eq!(search(&store, "海运物流").await, [cosco]);
    assert_eq!(search(&store, "进出口").await, [ningbo]);
    // A single character finds it anywhere, also as a run's last character.
    assert_eq!(search(&store, "宁").await, [ningbo]);
    assert_eq!(search(&store, "易").await, [ningbo]);
    assert_eq!(search(&store, "衫").await, [ningbo]);
    // Substrings not in the text do not match, even if their characters are.
    assert!(search(&store, "强华").await.is_empty());
    // Shared words match every draft that has them.
    assert_eq!(search(&store, "有限公司").await, [cosco, huaqiang]);

    // Bill of lading: whole, by prefix, any case, full-width.
    assert_eq!(search(&store, "COSU6123456789").await, [huaqiang]);
    assert_eq!(search(&store, "COSU61").await, [huaqiang]);
    assert_eq!(search(&store, "medu77").await, [cosco]);
    assert_eq!(search(&store, "ＥＧＬＶ14").await, [ningbo]);
    assert!(search(&store, "COSU7").await.is_empty());

    // Commodity code (full or heading prefix), goods name, container number.
    assert_eq!(search(&store, "6109100021").await, [ningbo]);
    assert_eq!(search(&store, "6109").await, [ningbo]);
    assert_eq!(search(&store, "8471").await, [cosco, huaqiang]);
    assert_eq!(search(&store, "针织").await, [ningbo]);
    assert_eq!(search(&store, "TGHU8877665").await, [ningbo]);
    assert_eq!(search(&store, "MSKU12").await, [cosco, huaqiang]);

    // Client sequence number prefix.
    assert_eq!(search(&store, &d.client_seq_no[..12]).await, [ningbo]);

    // Several words: all must match.
    assert_eq!(search(&store, "华强 COSU").await, [huaqiang]);
    assert!(search(&store, "华强 MEDU").await.is_empty());

    // FTS syntax typed by the user is just text, never an error.
    assert!(search(&store, "\"华强 OR NEAR(").await.is_empty());
    assert!(
        search(&store, "*").await.len() == 3,
        "nothing searchable: no filter"
    );

    // The index follows saves: the old bill of lading no longer matches.
    let mut d2 = d.clone();
    d2.head.bill_no = "ONEY9900000001".into();
    store
        .save_declaration(ningbo, &d2, &info("save"))
        .await
        .unwrap();
    assert!(search(&store, "EGLV").await.is_empty());
    assert_eq!(search(&store, "ONEY99").await, [ningbo]);
}

#[tokio::test]
async fn reopening_keeps_everything() {
    let dir = TempDir::new().unwrap();
    let (id, mut d, trashed_id) = {
        let store = open(&dir).await;
        let (id, mut d) = create(&store, "深圳市华强电子有限公司", "COSU6123456789").await;
        d.head.remarks = "r2".into();
        store
            .save_declaration(id, &d, &ready("save"))
            .await
            .unwrap();
        let (trashed_id, _) = create(&store, "回收公司", "TRASH1").await;
        store.trash(trashed_id).await.unwrap();
        store.close().await;
        (id, d, trashed_id)
    };
    // After a clean close the WAL has been checkpointed into the main file.
    let wal = format!("{}-wal", db_path(&dir).display());
    assert!(!Path::new(&wal).exists() || std::fs::metadata(&wal).unwrap().len() == 0);

    let store = open(&dir).await;
    let (meta, got) = store.get_declaration(id).await.unwrap();
    assert_eq!(got, d);
    assert_eq!(meta.revision, 2);
    assert_eq!(store.history(id).await.unwrap().len(), 2);
    assert_eq!(search(&store, "华强").await, [id]);
    let trash = store
        .list_drafts(&DraftQuery {
            trashed: true,
            ..DraftQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(trash.items[0].id, trashed_id);
    // And it keeps working.
    d.head.remarks = "r3".into();
    assert_eq!(
        store
            .save_declaration(id, &d, &ready("save"))
            .await
            .unwrap()
            .revision,
        3
    );
    assert_eq!(store.integrity_check().await.unwrap(), "ok");
}

#[tokio::test]
async fn closed_store_fails_with_a_db_error() {
    let dir = TempDir::new().unwrap();
    let store = open(&dir).await;
    store.close().await;
    let err = store.list_drafts(&DraftQuery::default()).await.unwrap_err();
    assert_eq!(err.code(), "db");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_queue_instead_of_failing() {
    let dir = TempDir::new().unwrap();
    let store = open(&dir).await;
    // A second pool on the same file stands for a second process (the CLI).
    let other = open(&dir).await;
    let (id, d) = create(&store, "甲公司", "B1").await;
    let mut tasks = Vec::new();
    for t in 0..8 {
        let s = if t % 2 == 0 {
            store.clone()
        } else {
            other.clone()
        };
        let mut d = d.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..5 {
                d.head.remarks = format!("task {t} save {i}");
                s.save_declaration(id, &d, &ready("autosave"))
                    .await
                    .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let history = store.history(id).await.unwrap();
    assert_eq!(history.len(), 41);
    assert_eq!(history[0].revision, 41);
    assert_eq!(store.get_declaration(id).await.unwrap().0.revision, 41);
}
