//! Generates the `i18n` module from `locales/*.json` (German is the default).

use std::path::PathBuf;

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};

fn main() {
    let out_dir = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    let module_dir = PathBuf::from(out_dir).join("i18n");

    // `interpolate_display` lets t_string! fill in values, for attributes and
    // the live region, which need plain strings rather than views.
    let options = ParseOptions::new().interpolate_display(true);
    let config = Config::new("de")
        .and_then(|c| c.add_locale("en"))
        .expect("valid locales")
        .parse_options(options);
    let infos = TranslationsInfos::parse(config).expect("locales/*.json parse");
    infos.rerun_if_locales_changed();
    infos.emit_diagnostics();
    infos
        .generate_i18n_module(module_dir)
        .expect("the i18n module is written");
}
