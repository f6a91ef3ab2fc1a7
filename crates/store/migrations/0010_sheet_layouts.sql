-- Spreadsheet import layouts (导入格式) saved under a name: where in a
-- customer's workbook each declaration field is (crates/sheet layout.rs,
-- docs/formats/excel.md). The body is the layout as JSON; the name is the
-- clerk's and unique. Layouts are settings, not documents: no revisions.
CREATE TABLE sheet_layouts (
    name TEXT NOT NULL PRIMARY KEY,
    body TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
