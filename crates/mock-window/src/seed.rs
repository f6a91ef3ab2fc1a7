//! Liaoning demo data (辽宁演示数据): enterprises in Dalian, Shenyang and
//! Yingkou, their operators, who may declare for whom, and their guarantees.
//!
//! Seeding is idempotent: rows are keyed by customs code, operator id and
//! guarantee no., and only missing ones are inserted, so a restart never
//! duplicates anything and never re-hashes a password. Credit codes are
//! stored as their first 17 characters here and completed with the GB 32100
//! check character from the domain crate, so they always pass the check.

use argon2::password_hash::SaltString;
use argon2::{Algorithm, Argon2, Params, PasswordHasher, Version};
use portdesk_domain::checksum::scc_check_char;
use sqlx::SqlitePool;

/// A seeded enterprise (企业).
#[derive(Debug, Clone, Copy)]
pub struct SeedEnterprise {
    pub customs_code: &'static str,
    /// First 17 chars of the unified social credit code.
    pub scc_body: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    /// Registered address in English: box 1 of a certificate of origin.
    pub address_en: &'static str,
    pub credit_rating: &'static str,
    pub customs_area: &'static str,
    /// Enterprise group (企业集团), for group finance guarantees.
    pub group: Option<&'static str>,
    /// Tripartite agreement for electronic payment (三方协议).
    pub tripartite_agreement: bool,
}

impl SeedEnterprise {
    /// The full credit code, check character included.
    pub fn scc(&self) -> String {
        let check =
            scc_check_char(self.scc_body).expect("seed credit codes use the GB 32100 alphabet");
        format!("{}{check}", self.scc_body)
    }
}

pub const ENTERPRISES: &[SeedEnterprise] = &[
    SeedEnterprise {
        customs_code: "2102961234",
        scc_body: "91210200MA0Y8K3T7",
        name_zh: "大连海辰国际物流有限公司",
        name_en: "Dalian Haichen International Logistics Co., Ltd.",
        address_en: "NO. 88 RENMIN ROAD, ZHONGSHAN DISTRICT, DALIAN, LIAONING, CHINA",
        credit_rating: "advanced_certified",
        customs_area: "0900",
        group: None,
        tripartite_agreement: true,
    },
    SeedEnterprise {
        customs_code: "2102930001",
        scc_body: "91210200MA0QC4L18",
        name_zh: "大连北方钢材进出口有限公司",
        name_en: "Dalian Northern Steel Import & Export Co., Ltd.",
        address_en: "NO. 1 GANGWAN STREET, ZHONGSHAN DISTRICT, DALIAN, LIAONING, CHINA",
        credit_rating: "general",
        customs_area: "0900",
        group: None,
        tripartite_agreement: false,
    },
    SeedEnterprise {
        customs_code: "2102910128",
        scc_body: "91210200241280379",
        name_zh: "大连精工机械有限公司",
        name_en: "Dalian Precision Machinery Co., Ltd.",
        address_en: "NO. 18 HUAIHE ROAD, DALIAN ECONOMIC AND TECHNOLOGICAL DEVELOPMENT ZONE, DALIAN, LIAONING, CHINA",
        credit_rating: "advanced_certified",
        customs_area: "0900",
        group: Some("DPM-GROUP"),
        tripartite_agreement: true,
    },
    SeedEnterprise {
        customs_code: "2102980567",
        scc_body: "91210231MA10XB2P3",
        name_zh: "大连港通报关有限公司",
        name_en: "Dalian Gangtong Customs Brokerage Co., Ltd.",
        address_en: "NO. 6 GANGXING ROAD, ZHONGSHAN DISTRICT, DALIAN, LIAONING, CHINA",
        credit_rating: "general",
        customs_area: "0900",
        group: None,
        tripartite_agreement: false,
    },
    SeedEnterprise {
        customs_code: "2101930456",
        scc_body: "91210106MA0P3Q9W5",
        name_zh: "沈阳精工装备制造有限公司",
        name_en: "Shenyang Jinggong Equipment Manufacturing Co., Ltd.",
        address_en: "NO. 12 KAIFA ROAD, TIEXI DISTRICT, SHENYANG, LIAONING, CHINA",
        credit_rating: "general",
        customs_area: "0800",
        group: None,
        tripartite_agreement: true,
    },
    SeedEnterprise {
        customs_code: "2108940321",
        scc_body: "91210804MA0U2F6P1",
        name_zh: "营口鲅鱼圈镁业进出口有限公司",
        name_en: "Yingkou Bayuquan Magnesia Import & Export Co., Ltd.",
        address_en: "NO. 3 BINHAI ROAD, BAYUQUAN DISTRICT, YINGKOU, LIAONING, CHINA",
        credit_rating: "discredited",
        customs_area: "0900",
        group: None,
        tripartite_agreement: false,
    },
    SeedEnterprise {
        customs_code: "2108960077",
        scc_body: "91210800MA10C7RN4",
        name_zh: "营口新港国际货运代理有限公司",
        name_en: "Yingkou Xingang International Freight Forwarding Co., Ltd.",
        address_en: "NO. 1 XINGANG AVENUE, BAYUQUAN DISTRICT, YINGKOU, LIAONING, CHINA",
        credit_rating: "general",
        customs_area: "0900",
        group: None,
        tripartite_agreement: false,
    },
];

/// (customs code, operator, name, password). Demo passwords, documented.
pub const OPERATORS: &[(&str, &str, &str, &str)] = &[
    ("2102961234", "op01", "李明", "demo1234"),
    ("2102961234", "op02", "王芳", "demo5678"),
    ("2102930001", "op01", "张伟", "demo1234"),
    ("2102910128", "op01", "刘洋", "demo1234"),
    ("2102980567", "op01", "陈静", "demo1234"),
    ("2101930456", "op01", "赵磊", "demo1234"),
    ("2108940321", "op01", "孙丽", "demo1234"),
    ("2108960077", "op01", "周强", "demo1234"),
];

/// (agent, principal): the agent may declare for the principal (代理申报).
pub const AGENT_RELATIONS: &[(&str, &str)] = &[
    ("2102961234", "2102930001"),
    ("2102961234", "2102910128"),
    ("2102961234", "2101930456"),
    ("2102980567", "2102930001"),
    ("2102980567", "2102910128"),
    ("2108960077", "2108940321"),
];

/// A seeded guarantee (担保).
#[derive(Debug, Clone, Copy)]
pub struct SeedGuarantee {
    pub guarantee_no: &'static str,
    pub customs_code: &'static str,
    pub kind: &'static str,
    /// `general` (总担保) or `single` (单项担保).
    pub scope: &'static str,
    pub issuer: &'static str,
    /// Group of the issuing finance company (group finance only).
    pub issuer_group: &'static str,
    pub amount: &'static str,
    pub currency: &'static str,
    pub quota_used: &'static str,
    pub valid_from: &'static str,
    pub valid_to: &'static str,
    pub customs_area: &'static str,
}

pub const GUARANTEES: &[SeedGuarantee] = &[
    // Advanced certified forwarder: a live bank letter and the exemption.
    SeedGuarantee {
        guarantee_no: "BG-BOC-DL-2026-000117",
        customs_code: "2102961234",
        kind: "bank_letter",
        scope: "general",
        issuer: "中国银行股份有限公司大连分行",
        issuer_group: "",
        amount: "5000000.00",
        currency: "CNY",
        quota_used: "1250000.00",
        valid_from: "2026-01-01",
        valid_to: "2027-12-31",
        customs_area: "0900",
    },
    SeedGuarantee {
        guarantee_no: "AEO-EX-0900-2102961234",
        customs_code: "2102961234",
        kind: "advanced_exemption",
        scope: "single",
        issuer: "",
        issuer_group: "",
        amount: "20000000.00",
        currency: "CNY",
        quota_used: "0.00",
        valid_from: "2026-01-01",
        valid_to: "2028-12-31",
        customs_area: "0900",
    },
    // General steel trader: an expired letter and an exhausted policy.
    SeedGuarantee {
        guarantee_no: "BG-CCB-DL-2025-004521",
        customs_code: "2102930001",
        kind: "bank_letter",
        scope: "general",
        issuer: "中国建设银行股份有限公司大连分行",
        issuer_group: "",
        amount: "3000000.00",
        currency: "CNY",
        quota_used: "0.00",
        valid_from: "2025-01-01",
        valid_to: "2025-12-31",
        customs_area: "0900",
    },
    SeedGuarantee {
        guarantee_no: "PICC-GTI-2026-2102-000187",
        customs_code: "2102930001",
        kind: "tax_insurance",
        scope: "general",
        issuer: "中国人民财产保险股份有限公司大连市分公司",
        issuer_group: "",
        amount: "2000000.00",
        currency: "CNY",
        quota_used: "2000000.00",
        valid_from: "2026-03-01",
        valid_to: "2027-02-28",
        customs_area: "0900",
    },
    // Its exemption approval from when it was advanced certified; it has
    // been downgraded to general since, so claiming it fails TAX-EXEMPTION.
    SeedGuarantee {
        guarantee_no: "AEO-EX-0900-2102930001",
        customs_code: "2102930001",
        kind: "advanced_exemption",
        scope: "single",
        issuer: "",
        issuer_group: "",
        amount: "10000000.00",
        currency: "CNY",
        quota_used: "0.00",
        valid_from: "2026-01-01",
        valid_to: "2027-12-31",
        customs_area: "0900",
    },
    // Advanced certified manufacturer: group finance company, and a policy
    // filed with another customs area (Shenyang).
    SeedGuarantee {
        guarantee_no: "GFC-DPM-2026-0042",
        customs_code: "2102910128",
        kind: "group_finance",
        scope: "general",
        issuer: "大连精工集团财务有限公司",
        issuer_group: "DPM-GROUP",
        amount: "8000000.00",
        currency: "CNY",
        quota_used: "500000.00",
        valid_from: "2026-02-01",
        valid_to: "2027-01-31",
        customs_area: "0900",
    },
    SeedGuarantee {
        guarantee_no: "PAIC-GTI-2026-0800-003310",
        customs_code: "2102910128",
        kind: "tax_insurance",
        scope: "general",
        issuer: "中国平安财产保险股份有限公司辽宁分公司",
        issuer_group: "",
        amount: "1000000.00",
        currency: "CNY",
        quota_used: "0.00",
        valid_from: "2026-01-01",
        valid_to: "2026-12-31",
        customs_area: "0800",
    },
    // Shenyang manufacturer: a live letter in its own area.
    SeedGuarantee {
        guarantee_no: "BG-SJB-SY-2026-000356",
        customs_code: "2101930456",
        kind: "bank_letter",
        scope: "general",
        issuer: "盛京银行股份有限公司沈阳分行",
        issuer_group: "",
        amount: "2000000.00",
        currency: "CNY",
        quota_used: "300000.00",
        valid_from: "2026-01-15",
        valid_to: "2027-01-14",
        customs_area: "0800",
    },
    // Discredited Yingkou exporter: cash deposit only.
    SeedGuarantee {
        guarantee_no: "CD-0908-2026-000007",
        customs_code: "2108940321",
        kind: "cash_deposit",
        scope: "single",
        issuer: "营口鲅鱼圈镁业进出口有限公司",
        issuer_group: "",
        amount: "500000.00",
        currency: "CNY",
        quota_used: "120000.00",
        valid_from: "2026-06-01",
        valid_to: "2027-05-31",
        customs_area: "0900",
    },
];

/// Argon2id with a small memory cost: a mock must start and log in fast in
/// tests, and its passwords are published demo passwords anyway. The PHC
/// string records the parameters, so verification reads them from the hash.
pub fn hash_password(password: &str) -> String {
    let params = Params::new(8 * 1024, 1, 1, None).expect("valid argon2 params");
    let salt =
        SaltString::encode_b64(&rand::random::<[u8; 16]>()).expect("16 bytes make a valid salt");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing of a short password cannot fail")
        .to_string()
}

/// Inserts whatever demo data is missing.
pub async fn seed(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    for e in ENTERPRISES {
        sqlx::query(
            "INSERT OR IGNORE INTO enterprises
             (customs_code, scc, name_zh, name_en, credit_rating, customs_area,
              group_id, tripartite_agreement)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(e.customs_code)
        .bind(e.scc())
        .bind(e.name_zh)
        .bind(e.name_en)
        .bind(e.credit_rating)
        .bind(e.customs_area)
        .bind(e.group)
        .bind(e.tripartite_agreement)
        .execute(&mut *tx)
        .await?;
        // Databases seeded before addresses existed get them now; an
        // address already set is left alone.
        sqlx::query(
            "UPDATE enterprises SET address_en = ? WHERE customs_code = ? AND address_en = ''",
        )
        .bind(e.address_en)
        .bind(e.customs_code)
        .execute(&mut *tx)
        .await?;
    }
    for (code, operator, name, password) in OPERATORS {
        let exists: Option<i64> = sqlx::query_scalar(
            "SELECT o.id FROM operators o JOIN enterprises e ON e.id = o.enterprise_id
             WHERE e.customs_code = ? AND o.operator = ?",
        )
        .bind(code)
        .bind(operator)
        .fetch_optional(&mut *tx)
        .await?;
        if exists.is_none() {
            sqlx::query(
                "INSERT INTO operators (enterprise_id, operator, name_zh, password_hash)
                 SELECT id, ?, ?, ? FROM enterprises WHERE customs_code = ?",
            )
            .bind(operator)
            .bind(name)
            .bind(hash_password(password))
            .bind(code)
            .execute(&mut *tx)
            .await?;
        }
    }
    for (agent, principal) in AGENT_RELATIONS {
        sqlx::query(
            "INSERT OR IGNORE INTO agent_relations (agent_id, principal_id)
             SELECT a.id, p.id FROM enterprises a, enterprises p
             WHERE a.customs_code = ? AND p.customs_code = ?",
        )
        .bind(agent)
        .bind(principal)
        .execute(&mut *tx)
        .await?;
    }
    for g in GUARANTEES {
        sqlx::query(
            "INSERT OR IGNORE INTO guarantees
             (guarantee_no, enterprise_id, kind, scope, issuer, issuer_group, amount, currency,
              quota_used, valid_from, valid_to, customs_area)
             SELECT ?, id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM enterprises WHERE customs_code = ?",
        )
        .bind(g.guarantee_no)
        .bind(g.kind)
        .bind(g.scope)
        .bind(g.issuer)
        .bind(g.issuer_group)
        .bind(g.amount)
        .bind(g.currency)
        .bind(g.quota_used)
        .bind(g.valid_from)
        .bind(g.valid_to)
        .bind(g.customs_area)
        .bind(g.customs_code)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use portdesk_api::{CreditRating, GuaranteeKind, GuaranteeScope};
    use portdesk_domain::checksum::is_valid_scc;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    #[test]
    fn seed_data_is_well_formed() {
        for e in ENTERPRISES {
            assert!(is_valid_scc(&e.scc()), "{}", e.customs_code);
            assert_eq!(e.customs_code.len(), 10);
            assert!(CreditRating::parse(e.credit_rating).is_some());
        }
        // The domain's interchange fixtures use these codes: keep them in step.
        assert_eq!(ENTERPRISES[1].scc(), "91210200MA0QC4L18M");
        assert_eq!(ENTERPRISES[3].scc(), "91210231MA10XB2P32");
        let ratings: std::collections::HashSet<_> =
            ENTERPRISES.iter().map(|e| e.credit_rating).collect();
        assert_eq!(ratings.len(), 3);
        let mut kinds = std::collections::HashSet::new();
        for g in GUARANTEES {
            kinds.insert(GuaranteeKind::parse(g.kind).expect(g.kind));
            assert!(GuaranteeScope::parse(g.scope).is_some(), "{}", g.scope);
            let amount = Decimal::from_str(g.amount).unwrap();
            assert!(Decimal::from_str(g.quota_used).unwrap() <= amount);
            assert!(ENTERPRISES.iter().any(|e| e.customs_code == g.customs_code));
        }
        assert_eq!(kinds.len(), 5, "every instrument is seeded");
    }
}
