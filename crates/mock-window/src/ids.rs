//! The server's identifiers: unified no. (统一编号, SeqNo) and customs no.
//! (海关编号, EntryId).

use chrono::Datelike;
use portdesk_domain::IeFlag;
use sqlx::SqliteConnection;

use crate::clock::to_datetime;
use crate::db::next_counter;

/// The 4-digit customs office of a declaration, `0000` when it is not one
/// (a rejected declaration still gets a unified no.).
fn office(declaring_customs: &str) -> &str {
    if declaring_customs.len() == 4 && declaring_customs.bytes().all(|b| b.is_ascii_digit()) {
        declaring_customs
    } else {
        "0000"
    }
}

/// Unified no., 18 chars: `I`/`E` + customs office (4) + year (4) + sequence (9).
pub async fn next_seq_no(
    conn: &mut SqliteConnection,
    ie: IeFlag,
    declaring_customs: &str,
    now_ms: i64,
) -> Result<String, sqlx::Error> {
    let flag = match ie {
        IeFlag::I => 'I',
        IeFlag::E => 'E',
    };
    let office = office(declaring_customs);
    let year = to_datetime(now_ms).year();
    let n = next_counter(conn, &format!("seq:{flag}{office}{year}")).await?;
    Ok(format!("{flag}{office}{year:04}{n:09}"))
}

/// Customs no., 18 digits: customs office (4) + year (4) + `1` import / `0`
/// export + sequence (9).
pub async fn next_entry_id(
    conn: &mut SqliteConnection,
    ie: IeFlag,
    declaring_customs: &str,
    now_ms: i64,
) -> Result<String, sqlx::Error> {
    let flag = match ie {
        IeFlag::I => '1',
        IeFlag::E => '0',
    };
    let office = office(declaring_customs);
    let year = to_datetime(now_ms).year();
    let n = next_counter(conn, &format!("entry:{office}{year}{flag}")).await?;
    Ok(format!("{office}{year:04}{flag}{n:09}"))
}
