//! The problems of reading, checking and writing a model, one variant per kind, each with its
//! stable code (`E04xx`): errors `E0401`–`E0469`, warnings `E0470`–`E0489`, information
//! `E0490`–`E0499`. A problem is made with `ModelError::at`, which gives it its place, its
//! severity and its code; labels and notes (a did-you-mean, the first definition) are added by
//! the checker that found it. The messages are the ones the model layer has always printed.

use crate::diag::{Code, ErrorCode, Loc, Problem, Severity};

/// A kind of problem in a model (codes `E04xx`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    // Reading files (E0401–E0419).
    /// E0401
    #[error("malformed TOML: {0}")]
    MalformedToml(String),
    /// E0402
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    /// E0403
    #[error("malformed CSV: unclosed quote")]
    UnclosedQuote,
    /// E0404
    #[error("empty CSV file: expected a header row")]
    EmptyCsv,
    /// E0405
    #[error("{file} has no `{column}` column")]
    MissingColumn { file: String, column: String },
    /// E0406
    #[error("this row has {found} fields but the header has {header}")]
    RowLength { found: usize, header: usize },
    /// E0407
    #[error("this row has an empty `{0}`")]
    EmptyCell(String),
    /// E0408: a table of a CSV folder is missing.
    #[error("{0} is missing")]
    MissingTable(String),
    /// E0409
    #[error("no model at {0}: no such file or folder")]
    NoModel(String),
    /// E0410: a path that is neither a model file nor a model folder.
    #[error("{origin} is {what}")]
    NotAModel { origin: String, what: String },
    /// E0411
    #[error("{name}: file too large ({bytes} bytes)")]
    TooLarge { name: String, bytes: u64 },
    /// E0412
    #[error("{name}: cannot read{}", reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default())]
    CannotRead {
        name: String,
        reason: Option<String>,
    },
    /// E0413
    #[error("{origin}: cannot read folder: {reason}")]
    CannotReadFolder { origin: String, reason: String },
    /// E0414
    #[error("{0}: no .toml files, nor nodes.csv and edges.csv, in this folder")]
    EmptyFolder(String),
    /// E0415
    #[error("{0} is not a text file (it holds a NUL byte)")]
    NotText(String),
    /// E0416
    #[error("{name} is not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 { name: String, offset: usize },
    /// E0417
    #[error("... and {0} more syntax problems in this file")]
    MoreSyntaxProblems(usize),
    /// E0418
    #[error("{0}: the model defines no flow nodes (no [[node]] tables or node rows)")]
    NoFlowNodes(String),
    /// E0419: a model that cannot be written (`load::write`).
    #[error("{0}")]
    Write(#[from] WriteError),

    // The shape of a TOML or JSON document (E0420–E0439).
    /// E0420
    #[error("a model document must be a table")]
    DocumentNotTable,
    /// E0421
    #[error("unknown section `{0}`")]
    UnknownSection(String),
    /// E0422
    #[error("`{what}` must be an array of tables (`[[{what}]]`), found {found}")]
    NotArrayOfTables { what: String, found: &'static str },
    /// E0423
    #[error("a {what} must be a table, found {found}")]
    EntryNotTable { what: String, found: &'static str },
    /// E0424
    #[error("`{key}` must be text, found {found}")]
    NotTextValue { key: String, found: &'static str },
    /// E0425
    #[error("this {what} has no `{key}`")]
    MissingKey { what: String, key: String },
    /// E0426
    #[error("`{0}` is empty")]
    EmptyKey(String),
    /// E0427
    #[error("`{0}` must be an array of text")]
    NotTextArray(String),
    /// E0428
    #[error("`{key}` must hold text, found {found}")]
    NotTextItem { key: String, found: &'static str },
    /// E0429: a misspelt or unknown key.
    #[error("unknown key `{key}` in {what}")]
    UnknownKey { key: String, what: String },
    /// E0430
    #[error("`{0}.values` must be an array of tables")]
    ValuesNotTables(String),
    /// E0431
    #[error("`{key}` has {count} values but none is marked `used = true`")]
    NoneUsed { key: String, count: usize },
    /// E0432
    #[error("`{0}` marks more than one value `used = true`")]
    SeveralUsed(String),
    /// E0433
    #[error("`{0}` has no value")]
    NoValue(String),
    /// E0434
    #[error("this figure has no `value`")]
    FigureWithoutValue,
    /// E0435
    #[error("a figure's value must be a number, text or boolean, found {0}")]
    BadFigureValue(&'static str),
    /// E0436
    #[error("`used` must be true or false")]
    UsedNotBool,

    // Checking the model (E0440–E0469).
    /// E0440
    #[error("unknown material \"{0}\"")]
    UnknownMaterial(String),
    /// E0441
    #[error("unknown edge status \"{0}\"")]
    UnknownStatus(String),
    /// E0442: `material` is `""` or ` for "x"`.
    #[error("input group of \"{to}\"{material} mixes edges with and without a share")]
    MixedShares { to: String, material: String },
    /// E0443
    #[error("input group of \"{to}\"{material} mixes edges with and without a volume")]
    MixedVolumes { to: String, material: String },
    /// E0444: `sum` as written by `number::number`.
    #[error("shares of the input group of \"{to}\"{material} add up to {sum}{}, more than 1", if *planned { " (planned edges)" } else { "" })]
    SharesOverOne {
        to: String,
        material: String,
        sum: String,
        planned: bool,
    },
    /// E0445
    #[error("a region is declared as `[[region]]`, not as a node")]
    RegionAsNode,
    /// E0446
    #[error("unknown node kind \"{0}\"")]
    UnknownKind(String),
    /// E0447
    #[error("an export control names no elements")]
    EmptyExportControl,
    /// E0448
    #[error("duplicate {what} id \"{id}\"")]
    DuplicateId { what: String, id: String },
    /// E0449
    #[error("source \"{0}\" is cited but not defined")]
    UndefinedSource(String),
    /// E0450
    #[error("unknown unit \"{0}\"")]
    UnknownUnit(String),
    /// E0451
    #[error("unknown chemical element \"{0}\"")]
    UnknownElement(String),
    /// E0452
    #[error("a figure must be a finite number")]
    NotFinite,
    /// E0453
    #[error("{what} must not be negative, found {value}")]
    Negative { what: String, value: f64 },
    /// E0454
    #[error("a share is a fraction in [0, 1], found {0}")]
    ShareOutOfRange(f64),
    /// E0455
    #[error("{what} must be a number, found \"{found}\"")]
    NotANumber { what: String, found: String },
    /// E0456
    #[error("`{key}` must name a region, but \"{name}\" is a flow node")]
    NotARegion { key: String, name: String },
    /// E0457
    #[error("unknown region \"{0}\"")]
    UnknownRegion(String),
    /// E0458
    #[error("an edge cannot {} a region: \"{name}\" is a region", if *from { "start at" } else { "end at" })]
    EdgeAtRegion { from: bool, name: String },
    /// E0459
    #[error("unknown node \"{0}\"")]
    UnknownNode(String),
    /// E0460: the cycle's regions, and its first again.
    #[error("regions lie within each other in a cycle: {cycle} -> {first}")]
    WithinCycle { cycle: String, first: String },
    /// E0461
    #[error("a range is written `low..high` with two numbers, found \"{0}\"")]
    BadRange(String),
    /// E0462
    #[error("a range's low end {low} is above its high end {high}")]
    RangeReversed { low: f64, high: f64 },
    /// E0463
    #[error("the value {value} lies outside its range {low}..{high}")]
    OutsideRange { value: f64, low: f64, high: f64 },
    /// E0464
    #[error("a range needs both `low` and `high`; only `{0}` is given")]
    HalfRange(String),

    // Warnings (E0470–E0489).
    /// E0470
    #[error("a second supply edge from \"{from}\" to \"{to}\" for the same material")]
    SecondEdge { from: String, to: String },
    /// E0471
    #[error("{0} is empty")]
    EmptyFile(String),
    /// E0472: figures as written by `balance::tonnes`.
    #[error("\"{id}\" ships {shipped} {unit} along its supply edges, more than its output of {output} {unit} (by {over:.1}%)")]
    ShipsMoreThanOutput {
        id: String,
        shipped: String,
        output: String,
        unit: String,
        over: f64,
    },
    /// E0473
    #[error("\"{id}\" takes in {inflow} {unit} but puts out {output} {unit}: an inflow too small for its output")]
    InflowTooSmall {
        id: String,
        inflow: String,
        output: String,
        unit: String,
    },
    /// E0474
    #[error("the {field} of {what} is in `{unit}`, not a mass: it has no value in tonnes")]
    NotAMass {
        field: String,
        what: String,
        unit: String,
    },
    /// E0475: a capacity that cannot bound its flow, being a mass of something else.
    #[error("the capacity of {what} is in {capacity_unit}, its {flow} in {flow_unit}: a capacity bounds its flow only in the same unit")]
    CapacityUnit {
        what: String,
        flow: String,
        capacity_unit: String,
        flow_unit: String,
    },

    // Information (E0490–E0499).
    /// E0490
    #[error("supply cycle (recycling loop): {0}")]
    SupplyCycle(String),
}

/// A model that cannot be written in a format (`load::write`; code `E0419`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WriteError {
    #[error("cannot write TOML: {0}")]
    Toml(String),
    #[error("cannot write JSON: {0}")]
    Json(String),
    /// The file or folder written to, and why it failed.
    #[error("{path}: {reason}")]
    Io { path: String, reason: String },
    /// A graph export writes the built model, and the model does not build.
    #[error("the model has errors:\n{0}")]
    NotBuilt(String),
}

impl ModelError {
    /// Warnings and information are not errors: the model is built with them.
    pub fn severity(&self) -> Severity {
        match self.code().0 {
            470..=489 => Severity::Warning,
            490..=499 => Severity::Info,
            _ => Severity::Error,
        }
    }

    /// The problem at `loc`, with its severity and code.
    pub fn at(&self, loc: Loc) -> Problem {
        self.diagnostic(loc)
    }
}

impl Code for ModelError {
    fn code(&self) -> ErrorCode {
        use ModelError::*;
        ErrorCode(match self {
            MalformedToml(_) => 401,
            MalformedJson(_) => 402,
            UnclosedQuote => 403,
            EmptyCsv => 404,
            MissingColumn { .. } => 405,
            RowLength { .. } => 406,
            EmptyCell(_) => 407,
            MissingTable(_) => 408,
            NoModel(_) => 409,
            NotAModel { .. } => 410,
            TooLarge { .. } => 411,
            CannotRead { .. } => 412,
            CannotReadFolder { .. } => 413,
            EmptyFolder(_) => 414,
            NotText(_) => 415,
            NotUtf8 { .. } => 416,
            MoreSyntaxProblems(_) => 417,
            NoFlowNodes(_) => 418,
            Write(_) => 419,
            DocumentNotTable => 420,
            UnknownSection(_) => 421,
            NotArrayOfTables { .. } => 422,
            EntryNotTable { .. } => 423,
            NotTextValue { .. } => 424,
            MissingKey { .. } => 425,
            EmptyKey(_) => 426,
            NotTextArray(_) => 427,
            NotTextItem { .. } => 428,
            UnknownKey { .. } => 429,
            ValuesNotTables(_) => 430,
            NoneUsed { .. } => 431,
            SeveralUsed(_) => 432,
            NoValue(_) => 433,
            FigureWithoutValue => 434,
            BadFigureValue(_) => 435,
            UsedNotBool => 436,
            UnknownMaterial(_) => 440,
            UnknownStatus(_) => 441,
            MixedShares { .. } => 442,
            MixedVolumes { .. } => 443,
            SharesOverOne { .. } => 444,
            RegionAsNode => 445,
            UnknownKind(_) => 446,
            EmptyExportControl => 447,
            DuplicateId { .. } => 448,
            UndefinedSource(_) => 449,
            UnknownUnit(_) => 450,
            UnknownElement(_) => 451,
            NotFinite => 452,
            Negative { .. } => 453,
            ShareOutOfRange(_) => 454,
            NotANumber { .. } => 455,
            NotARegion { .. } => 456,
            UnknownRegion(_) => 457,
            EdgeAtRegion { .. } => 458,
            UnknownNode(_) => 459,
            WithinCycle { .. } => 460,
            BadRange(_) => 461,
            RangeReversed { .. } => 462,
            OutsideRange { .. } => 463,
            HalfRange(_) => 464,
            SecondEdge { .. } => 470,
            EmptyFile(_) => 471,
            ShipsMoreThanOutput { .. } => 472,
            InflowTooSmall { .. } => 473,
            NotAMass { .. } => 474,
            CapacityUnit { .. } => 475,
            SupplyCycle(_) => 490,
        })
    }

    fn diagnostic(&self, loc: Loc) -> Problem {
        Problem {
            severity: self.severity(),
            ..Problem::error(loc, self.to_string()).with_code(self.code())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One of each kind, in the order of the definition.
    fn every_kind() -> Vec<ModelError> {
        use ModelError::*;
        let s = String::new;
        vec![
            MalformedToml(s()),
            MalformedJson(s()),
            UnclosedQuote,
            EmptyCsv,
            MissingColumn {
                file: s(),
                column: s(),
            },
            RowLength {
                found: 1,
                header: 2,
            },
            EmptyCell(s()),
            MissingTable(s()),
            NoModel(s()),
            NotAModel {
                origin: s(),
                what: s(),
            },
            TooLarge {
                name: s(),
                bytes: 1,
            },
            CannotRead {
                name: s(),
                reason: None,
            },
            CannotReadFolder {
                origin: s(),
                reason: s(),
            },
            EmptyFolder(s()),
            NotText(s()),
            NotUtf8 {
                name: s(),
                offset: 0,
            },
            MoreSyntaxProblems(1),
            NoFlowNodes(s()),
            Write(WriteError::Toml(s())),
            DocumentNotTable,
            UnknownSection(s()),
            NotArrayOfTables {
                what: s(),
                found: "",
            },
            EntryNotTable {
                what: s(),
                found: "",
            },
            NotTextValue {
                key: s(),
                found: "",
            },
            MissingKey {
                what: s(),
                key: s(),
            },
            EmptyKey(s()),
            NotTextArray(s()),
            NotTextItem {
                key: s(),
                found: "",
            },
            UnknownKey {
                key: s(),
                what: s(),
            },
            ValuesNotTables(s()),
            NoneUsed { key: s(), count: 2 },
            SeveralUsed(s()),
            NoValue(s()),
            FigureWithoutValue,
            BadFigureValue(""),
            UsedNotBool,
            UnknownMaterial(s()),
            UnknownStatus(s()),
            MixedShares {
                to: s(),
                material: s(),
            },
            MixedVolumes {
                to: s(),
                material: s(),
            },
            SharesOverOne {
                to: s(),
                material: s(),
                sum: s(),
                planned: false,
            },
            RegionAsNode,
            UnknownKind(s()),
            EmptyExportControl,
            DuplicateId { what: s(), id: s() },
            UndefinedSource(s()),
            UnknownUnit(s()),
            UnknownElement(s()),
            NotFinite,
            Negative {
                what: s(),
                value: -1.0,
            },
            ShareOutOfRange(2.0),
            NotANumber {
                what: s(),
                found: s(),
            },
            NotARegion {
                key: s(),
                name: s(),
            },
            UnknownRegion(s()),
            EdgeAtRegion {
                from: true,
                name: s(),
            },
            UnknownNode(s()),
            WithinCycle {
                cycle: s(),
                first: s(),
            },
            BadRange(s()),
            RangeReversed {
                low: 1.0,
                high: 0.0,
            },
            OutsideRange {
                value: 1.0,
                low: 0.0,
                high: 0.5,
            },
            HalfRange(s()),
            SecondEdge { from: s(), to: s() },
            EmptyFile(s()),
            ShipsMoreThanOutput {
                id: s(),
                shipped: s(),
                output: s(),
                unit: s(),
                over: 1.0,
            },
            InflowTooSmall {
                id: s(),
                inflow: s(),
                output: s(),
                unit: s(),
            },
            NotAMass {
                field: s(),
                what: s(),
                unit: s(),
            },
            CapacityUnit {
                what: s(),
                flow: s(),
                capacity_unit: s(),
                flow_unit: s(),
            },
            SupplyCycle(s()),
        ]
    }

    #[test]
    fn every_kind_has_its_own_code_as_documented() {
        let kinds = every_kind();
        let codes: Vec<String> = kinds.iter().map(|k| k.code().to_string()).collect();
        let mut distinct = codes.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), codes.len(), "{codes:?}");
        assert!(codes.iter().all(|c| c.starts_with("E04")), "{codes:?}");
        // The code written beside each variant is the one it has (and no variant is missing
        // from `every_kind`).
        let documented: Vec<&str> = include_str!("error.rs")
            .lines()
            .filter_map(|l| l.trim().strip_prefix("/// E04"))
            .map(|rest| &rest[..2])
            .collect();
        let written: Vec<&str> = codes.iter().map(|c| &c[3..]).collect();
        assert_eq!(documented, written);
    }

    #[test]
    fn severity_goes_by_the_range() {
        for k in every_kind() {
            let want = match k.code().0 {
                401..=469 => Severity::Error,
                470..=489 => Severity::Warning,
                490..=499 => Severity::Info,
                c => panic!("E{c:04} is outside E04xx"),
            };
            let p = k.at(Loc::Nowhere);
            assert_eq!((p.severity, p.code), (want, Some(k.code())), "{k:?}");
            assert_eq!(p.message, k.to_string());
        }
    }
}
