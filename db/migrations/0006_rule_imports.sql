-- ChargeClock schema, step 6: Medicare figures a clinic imports for a year the program does not
-- ship yet (`chargeclock import-rules`), and the CMS physician fee schedule as published
-- (`chargeclock import-pfs`) for the clinic's MAC locality. Both are laid over the shipped rule
-- data for their year; a year with neither takes the latest earlier figures, marked provisional.

-- One row per year, the columns of resources/rules/years.csv (amounts and factors as decimal
-- text, exactly as imported).
CREATE TABLE rule_years (
    year INTEGER PRIMARY KEY CHECK (year BETWEEN 2018 AND 2100),
    kx_pt_slp TEXT NOT NULL,
    kx_ot TEXT NOT NULL,
    review_threshold TEXT NOT NULL,
    conversion_factor TEXT NOT NULL,
    conversion_factor_qp TEXT,
    assistant_modifiers INTEGER NOT NULL CHECK (assistant_modifiers IN (0, 1)),
    assistant_payment_percent TEXT NOT NULL,
    mppr_pe_percent TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source <> ''),
    file_name TEXT NOT NULL,
    imported_at TEXT NOT NULL
) STRICT;

-- One row per year and code of the code list: the national RVUs (non-facility PE), the status
-- and multiple-procedure indicator from the PPRRVU file, the locality's GPCIs from the GPCI file,
-- the conversion factor used, and the locality-adjusted amount (NULL when the status pays nothing
-- separately, or the file gives no non-facility amount).
CREATE TABLE pfs_fees (
    year INTEGER NOT NULL CHECK (year BETWEEN 2018 AND 2100),
    code TEXT NOT NULL,
    locality TEXT NOT NULL,
    status TEXT NOT NULL,
    mult_proc TEXT NOT NULL,
    work_rvu TEXT,
    pe_rvu TEXT,
    mp_rvu TEXT,
    work_gpci TEXT NOT NULL,
    pe_gpci TEXT NOT NULL,
    mp_gpci TEXT NOT NULL,
    conversion_factor TEXT,
    amount_cents INTEGER CHECK (amount_cents IS NULL OR amount_cents >= 0),
    source TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (year, code)
) STRICT;

-- The fee schedule a finalized bill was priced with, when not the date of service's own year.
ALTER TABLE visit_bills ADD COLUMN rule_data_year INTEGER;
