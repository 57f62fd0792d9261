//! The widget's engine side: one evaluation of the learner's Dockerfile (analysis, build,
//! lab checks) as the embeddable widget shows and reports it.

use std::collections::BTreeMap;

use layerlab::context::Context;
use layerlab::labcheck::{self, CheckSpec};
use layerlab::simulate::Catalogs;
use layerlab::terminal::{commands, ImageStore};

use crate::protocol::WidgetResult;

/// Text files (`{"path": "contents"}`) as a build context.
pub fn context_from_files(files: &BTreeMap<String, String>) -> Result<Context, String> {
    Context::from_files(
        files
            .iter()
            .map(|(p, c)| (p.as_str(), c.as_bytes().to_vec())),
    )
    .map_err(|e| format!("files: {e}"))
}

/// Evaluates `text` with `files` (a bad file list gives an empty context: the widget reports
/// it in its notice) against `checks`.
pub fn evaluate(
    text: &str,
    files: &BTreeMap<String, String>,
    checks: &[CheckSpec],
    catalogs: &Catalogs,
    now: i64,
) -> WidgetResult {
    let context = context_from_files(files).unwrap_or_default();
    let (mut analysis, outcome) = labcheck::analyze_and_build(text, &context, catalogs, now);
    let results = labcheck::evaluate(checks, labcheck::subject(&analysis, &outcome));
    let inspect = outcome.image.as_ref().map(|image| {
        let mut store = ImageStore::default();
        let mut image = image.clone();
        image.tags = vec!["widget:latest".into()];
        store.images.push(image);
        commands::inspect(&["widget".to_string()], &store).stdout
    });
    // The widget shows the instructions and diagnostics; the build stays here.
    analysis.build = None;
    WidgetResult {
        analysis,
        image: outcome.image,
        error: outcome.error,
        inspect,
        checks: results,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{decode_widget, encode_widget};
    use layerlab::labcheck::{parse_checks, Status};

    /// The widget's result crosses to the page whole: image, inspect text, checks.
    #[test]
    fn an_evaluation_survives_the_binary_form() {
        let files = BTreeMap::from([("app.py".to_string(), "print(1)\n".to_string())]);
        let checks = parse_checks(
            r#"[{"type":"max_layers","value":1},{"type":"exposes","port":80},{"type":"no_errors"}]"#,
        )
        .unwrap();
        let result = evaluate(
            "FROM scratch\nCOPY app.py /app/\nEXPOSE 80\n",
            &files,
            &checks,
            &Catalogs::new(None),
            0,
        );
        assert!(result.image.is_some(), "{:?}", result.error);
        assert!(result
            .inspect
            .as_deref()
            .unwrap()
            .contains("\"ExposedPorts\""));
        assert_eq!(
            result.checks.iter().map(|c| c.status).collect::<Vec<_>>(),
            [Status::Passed, Status::Passed, Status::Passed]
        );
        assert!(result.analysis.build.is_none());
        let back = decode_widget(&encode_widget(&result)).unwrap();
        assert_eq!(back, result);
    }

    /// A failed build crosses with its error, and the checks say why they cannot pass.
    #[test]
    fn a_failed_build_keeps_its_error() {
        let checks = parse_checks(r#"[{"type":"file_exists","path":"/x"}]"#).unwrap();
        let result = evaluate(
            "FROM scratch\nCOPY missing.txt /x\n",
            &BTreeMap::new(),
            &checks,
            &Catalogs::new(None),
            0,
        );
        assert!(result.image.is_none());
        assert!(result.error.is_some());
        let back = decode_widget(&encode_widget(&result)).unwrap();
        assert_eq!(back.error, result.error);
        assert_eq!(back.checks, result.checks);
    }
}
