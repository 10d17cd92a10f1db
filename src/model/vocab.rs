//! Fixed vocabularies: node kinds, edge statuses, units, chemical elements.

/// Flow node kinds (regions are declared apart, as `[[region]]`).
pub const FLOW_KINDS: &[&str] = &["mine", "facility", "stage", "product", "end_use"];

pub const EDGE_STATUSES: &[&str] = &["operating", "planned", "stopped"];

/// Units every model may use; a model declares others in `[model] units = [...]`.
pub const UNITS: &[&str] = &[
    "t",
    "kt",
    "Mt",
    "kg",
    "g",
    "t/yr",
    "kt/yr",
    "Mt/yr",
    "t/month",
    "t REO",
    "kt REO",
    "t REO/yr",
    "kt REO/yr",
    "t NdPr",
    "t NdPr/yr",
    "t magnets",
    "t magnets/yr",
    "t/MW",
    "kg/vehicle",
    "motors/yr",
    "vehicles/yr",
    "units/yr",
    "MW",
    "GW",
    "USD",
    "USD/kg",
    "%",
    "% yoy",
    "fraction",
];

/// Chemical element symbols, for the elements a material contains and export controls name.
pub const ELEMENTS: &[&str] = &[
    "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S", "Cl",
    "Ar", "K", "Ca", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As",
    "Se", "Br", "Kr", "Rb", "Sr", "Y", "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In",
    "Sn", "Sb", "Te", "I", "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb",
    "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W", "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl",
    "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa", "U", "Np", "Pu", "Am", "Cm", "Bk",
    "Cf", "Es", "Fm", "Md", "No", "Lr", "Rf", "Db", "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn", "Nh",
    "Fl", "Mc", "Lv", "Ts", "Og",
];
