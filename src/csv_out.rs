//! The one CSV writer behind every CSV Signpost writes (suggestions, the
//! batch, the decision log, the directory and gazetteer, datasets).
//!
//! Owns quoting and the guard against CSV injection: a spreadsheet program
//! runs a cell that begins with `=`, `+`, `-` or `@` as a formula (and a
//! leading tab or carriage return as well), so a referral note such as
//! `=HYPERLINK("http://evil","click")` would become a live link in whoever
//! opens the download. As OWASP advises, such a cell is written with a single
//! quote in front (`'=HYPERLINK(...)`), which spreadsheets show as text.
//! Plain numbers (`-3`, `+1.5e3`) are left alone: a spreadsheet reads them as
//! the number they are, never as a formula, and a negative figure must stay
//! a number. [`unguard`] undoes the guard, so Signpost reads its own files
//! back unchanged.

/// The characters that make a spreadsheet treat a cell as a formula.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether a cell must be guarded: it begins with a formula trigger (and is
/// not a plain number), or it begins with quotes in front of a cell that
/// must be guarded (so that [`unguard`] gives it back exactly).
pub fn needs_guard(cell: &str) -> bool {
    let body = cell.trim_start_matches('\'');
    body.starts_with(TRIGGERS) && !is_plain_number(body)
}

/// The cell as it is written: with a single quote in front when it needs one.
pub fn guard(cell: &str) -> std::borrow::Cow<'_, str> {
    if needs_guard(cell) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Undoes [`guard`]: a cell read back from a Signpost CSV loses the quote the
/// writer put in front. Cells the writer would not have guarded are unchanged.
pub fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => cell,
    }
}

/// `[+-]digits[.digits][e[+-]digits]`: what a spreadsheet reads as a number.
fn is_plain_number(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut idx = 0;
    if matches!(bytes.first(), Some(b'+' | b'-')) {
        idx += 1;
    }
    let digits = |idx: &mut usize| {
        let start = *idx;
        while bytes.get(*idx).is_some_and(u8::is_ascii_digit) {
            *idx += 1;
        }
        *idx > start
    };
    let whole = digits(&mut idx);
    let mut fraction = false;
    if bytes.get(idx) == Some(&b'.') {
        idx += 1;
        fraction = digits(&mut idx);
    }
    if !whole && !fraction {
        return false;
    }
    if matches!(bytes.get(idx), Some(b'e' | b'E')) {
        idx += 1;
        if matches!(bytes.get(idx), Some(b'+' | b'-')) {
            idx += 1;
        }
        if !digits(&mut idx) {
            return false;
        }
    }
    idx == bytes.len()
}

/// Builds a CSV text row by row: comma-separated, `\n` line ends, cells
/// quoted when they hold a comma, quote, line break or edge space, and
/// guarded against formula injection.
#[derive(Debug, Default)]
pub struct CsvWriter {
    out: String,
}

impl CsvWriter {
    pub fn new() -> Self {
        CsvWriter::default()
    }

    /// Appends one row.
    pub fn row<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for (idx, cell) in cells.into_iter().enumerate() {
            if idx > 0 {
                self.out.push(',');
            }
            let cell = guard(cell.as_ref());
            let needs_quotes = cell.contains([',', '"', '\n', '\r'])
                || cell.starts_with(' ')
                || cell.ends_with(' ');
            if needs_quotes {
                self.out.push('"');
                self.out.push_str(&cell.replace('"', "\"\""));
                self.out.push('"');
            } else {
                self.out.push_str(&cell);
            }
        }
        self.out.push('\n');
    }

    /// The text written so far.
    pub fn finish(self) -> String {
        self.out
    }
}

/// A whole table as CSV: a header row, then the rows.
pub fn write_table<R, I, S>(rows: R) -> String
where
    R: IntoIterator<Item = I>,
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut writer = CsvWriter::new();
    for row in rows {
        writer.row(row);
    }
    writer.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn guards_formulas_and_leaves_numbers() {
        for (cell, written) in [
            ("=1+1", "'=1+1"),
            ("+cmd", "'+cmd"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\rx", "'\rx"),
            ("'=1", "''=1"),
            ("-3", "-3"),
            ("+1.5e3", "+1.5e3"),
            ("-.5", "-.5"),
            ("-", "'-"),
            ("plain", "plain"),
            ("'quoted", "'quoted"),
            ("", ""),
        ] {
            assert_eq!(guard(cell), written, "{cell:?}");
            assert_eq!(unguard(written), cell, "{written:?}");
        }
    }

    #[test]
    fn quotes_what_needs_it() {
        let text = write_table([vec!["a,b", "c"], vec!["say \"hi\"", "=x,y"]]);
        assert_eq!(text, "\"a,b\",c\n\"say \"\"hi\"\"\",\"'=x,y\"\n");
    }

    /// Reads CSV the way the import does (the csv crate), undoing the guard.
    fn read_back(text: &str) -> Vec<Vec<String>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        reader
            .records()
            .map(|record| {
                record
                    .map(|r| r.iter().map(|cell| unguard(cell).to_string()).collect())
                    .unwrap_or_default()
            })
            .collect()
    }

    fn cell() -> impl Strategy<Value = String> {
        // Biased towards the characters that matter: triggers, quotes, digits.
        proptest::string::string_regex("['=+\\-@\t\r\n\",. 0-9a-zé]{1,12}").unwrap()
    }

    proptest! {
        #[test]
        fn no_written_cell_starts_a_formula_and_reading_back_gives_the_text(
            rows in prop::collection::vec(prop::collection::vec(cell(), 2..4), 1..6)
        ) {
            let text = write_table(&rows);
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes());
            for record in reader.records() {
                let record = record.unwrap();
                for written in record.iter() {
                    prop_assert!(
                        !written.starts_with(TRIGGERS) || is_plain_number(written),
                        "{written:?} starts with a formula trigger"
                    );
                }
            }
            prop_assert_eq!(read_back(&text), rows);
        }
    }
}
