//! The engine's side of a simulated build's trip to the page: the analysis with the build's
//! serialised report, the Image panel's facts (config and manifest JSON as written, digests,
//! `docker history` and `docker inspect`: never a layer's bytes) and the advice, as
//! [`BuildResult`] (the page reads it with [`unpack`](crate::protocol::unpack)).

use layerlab::advisor::Advice;
use layerlab::analysis::Analysis;
use layerlab::image::{docker_history, docker_inspect, human_size, Compression, RowSize};
use layerlab::simulate::Build;

use crate::protocol::{AdviceWire, BuildResult, ImageFacts, LayerFacts};

/// Packs an analysis and its advice for the page. Writes (and keeps, in the worker's build)
/// each built layer's tar and gzip blob: the page gets their digests without ever holding
/// the bytes.
pub fn pack(analysis: Analysis, advice: Vec<Advice>) -> BuildResult {
    let image = analysis.build.as_ref().and_then(|b| image_facts(&b.0));
    BuildResult {
        analysis,
        image,
        advice: advice.into_iter().map(AdviceWire::from).collect(),
    }
}

/// The image of `build` as the Image panel shows it (`None` without a stage).
pub fn image_facts(build: &Build) -> Option<ImageFacts> {
    build.target?;
    if let Some(bytes) = build.artifacts.deferred_bytes {
        return Some(ImageFacts {
            unknown: Some(format!(
                "The {} of built layers must be gzip-compressed first: an export (Export menu) \
                 computes the config and manifest digests. Every layer's diff_id is in the \
                 Layers tab.",
                human_size(bytes)
            )),
            deferred: true,
            ..ImageFacts::default()
        });
    }
    let art = match build.artifacts(Compression::Gzip) {
        Ok(art) => art,
        Err(e) => {
            return Some(ImageFacts {
                unknown: Some(e.to_string()),
                ..ImageFacts::default()
            })
        }
    };
    let config = build.image_config();
    // History sizes: each non-empty entry takes the next layer's size.
    let mut layer_sizes = build.layers.iter().map(|l| l.size);
    let sizes: Vec<RowSize> = config
        .history
        .iter()
        .map(|h| {
            if h.empty_layer {
                RowSize::Empty
            } else {
                match layer_sizes.next().flatten() {
                    Some(s) => RowSize::Bytes(s),
                    None => RowSize::Unknown,
                }
            }
        })
        .collect();
    let history = docker_history(art.image_id(), &config.history, &sizes, None, false);
    let total: u64 = build.layers.iter().filter_map(|l| l.size).sum();
    let inspect = docker_inspect(
        art.image_id(),
        &[crate::REFERENCE.to_string()],
        config,
        &art.diff_ids,
        total,
    );
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    Some(ImageFacts {
        unknown: None,
        deferred: false,
        config_digest: Some(art.config.digest.clone()),
        manifest_digest: Some(art.manifest.digest.clone()),
        manifest_size: art.manifest.size,
        config_json: text(&art.config_bytes),
        manifest_json: text(&art.manifest_bytes),
        layers: art
            .layers
            .iter()
            .zip(&art.diff_ids)
            .map(|((blob, _), diff_id)| LayerFacts {
                blob: blob.clone(),
                diff_id: diff_id.clone(),
            })
            .collect(),
        history,
        inspect,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::*;
    use layerlab::advisor;
    use layerlab::analysis::analyze_with_context;
    use layerlab::context::{Context, Metadata};
    use layerlab::simulate::{BuildOptions, Catalogs};

    fn context() -> Context {
        let mut c = Context::new();
        c.insert_file("app.py", "print(1)\n", Metadata::with_mode(0o644))
            .unwrap();
        c.insert_dir("etc", Metadata::with_mode(0o755)).unwrap();
        c.insert_symlink("etc/link", "../app.py", Metadata::with_mode(0o777))
            .unwrap();
        c.insert_file(
            "Dockerfile",
            "FROM scratch\nCOPY . /app\n",
            Metadata::with_mode(0o644),
        )
        .unwrap();
        c
    }

    /// The analysis of `text` with `context`, no catalogs and no previous build.
    fn analysed(text: &str, context: &Context) -> Analysis {
        analyze_with_context(
            text.as_bytes(),
            context,
            &BuildOptions::default(),
            &Catalogs::new(None),
            None,
        )
    }

    #[test]
    fn a_context_survives_records_and_bytes() {
        let original = context();
        let (records, contents) = to_records(&original);
        assert_eq!(contents.len(), 2);
        let back = from_records(&records, contents).unwrap();
        assert_eq!(to_records(&back).0, records);
        assert_eq!(back.file("app.py").unwrap().bytes(), b"print(1)\n");
        // Fewer bytes than file records: an error, not a panic.
        assert!(from_records(&records, Vec::new()).is_err());
    }

    /// The page renders from the serialised report and the image's facts: the config,
    /// manifest and digests the worker's build writes.
    #[test]
    fn a_build_survives_the_thread_boundary_with_its_image() {
        let text =
            "FROM scratch\nCOPY app.py /app/\nCOPY etc /etc/\nENV A=1\nCMD [\"/app/app.py\"]\n";
        let analysis = analysed(text, &context());
        let expected = analysis
            .build
            .as_ref()
            .unwrap()
            .0
            .artifacts(Compression::Gzip)
            .unwrap();
        let bytes = encode_result(&pack(analysis.clone(), Vec::new()));
        let (restored, image, _) = unpack(decode_result(&bytes).unwrap());
        assert_eq!(restored.instructions, analysis.instructions);
        assert_eq!(restored.diagnostics, analysis.diagnostics);
        let build = &restored.build.as_ref().unwrap().0;
        // File previews (a tagged enum in JSON) crossed too.
        assert!(build
            .layers
            .iter()
            .flat_map(|l| &l.changes)
            .any(|c| matches!(
                c.preview,
                Some(layerlab::simulate::ContentPreview::Text { .. })
            )));
        // The report is the same (its JSON, which the CLI prints, too).
        assert_eq!(
            serde_json::to_string(&**build).unwrap(),
            serde_json::to_string(&*analysis.build.as_ref().unwrap().0).unwrap()
        );
        let image = image.unwrap();
        assert_eq!(image.unknown, None);
        assert_eq!(image.config_json.as_bytes(), &*expected.config_bytes);
        assert_eq!(image.manifest_json.as_bytes(), &*expected.manifest_bytes);
        assert_eq!(image.config_digest.as_ref(), Some(&expected.config.digest));
        assert_eq!(
            image.manifest_digest.as_ref(),
            Some(&expected.manifest.digest)
        );
        assert_eq!(image.manifest_size, expected.manifest.size);
        assert_eq!(
            image.layers.iter().map(|l| &l.diff_id).collect::<Vec<_>>(),
            expected.diff_ids.iter().collect::<Vec<_>>()
        );
        assert_eq!(
            image.layers.iter().map(|l| &l.blob).collect::<Vec<_>>(),
            expected.layers.iter().map(|(d, _)| d).collect::<Vec<_>>()
        );
        assert!(image.history.starts_with("IMAGE"), "{}", image.history);
        assert!(image.inspect.contains(expected.config.digest.as_str()));
    }

    /// Every cache state (cached, rebuilt with a reason, fresh, config only) and the
    /// simulation's diagnostics survive the binary form.
    #[test]
    fn cache_states_survive_the_binary_form() {
        let text = "FROM scratch\nCOPY app.py /app/\nCOPY etc /etc/\nENV A=$B\nCMD [\"x\"]\n";
        let first = analysed(text, &context());
        let mut changed = context();
        changed
            .insert_file("etc/new", "x", Metadata::with_mode(0o644))
            .unwrap();
        let second = analyze_with_context(
            text.as_bytes(),
            &changed,
            &BuildOptions::default(),
            &Catalogs::new(None),
            first.build.as_ref().map(|b| &*b.0),
        );
        let report = |a: &Analysis| serde_json::to_string(&*a.build.as_ref().unwrap().0).unwrap();
        for analysis in [first, second] {
            let expected = report(&analysis);
            let (restored, _, _) =
                unpack(decode_result(&encode_result(&pack(analysis, Vec::new()))).unwrap());
            assert_eq!(report(&restored), expected);
        }
        assert!(decode_result(b"not bincode").is_err());
        // JSON (the CLI, the JS API) keeps its tagged form.
        use layerlab::simulate::CacheState;
        assert_eq!(
            serde_json::to_string(&CacheState::Rebuilt("x".into())).unwrap(),
            r#"{"state":"rebuilt","reason":"x"}"#
        );
        assert_eq!(
            serde_json::to_string(&CacheState::Cached).unwrap(),
            r#"{"state":"cached"}"#
        );
    }

    #[test]
    fn an_unknown_layer_keeps_its_reason() {
        // A RUN whose effect the simulation cannot know.
        let text = "FROM scratch\nCOPY app.py /\nRUN ./configure && make install\n";
        let analysis = analysed(text, &context());
        let expected = analysis
            .build
            .as_ref()
            .unwrap()
            .0
            .artifacts(Compression::Gzip);
        let (_, image, _) =
            unpack(decode_result(&encode_result(&pack(analysis, Vec::new()))).unwrap());
        let image = image.unwrap();
        let reason = match expected {
            Ok(_) => panic!("the RUN layer is not known"),
            Err(e) => e.to_string(),
        };
        assert!(reason.contains("not simulated"), "{reason}");
        assert_eq!(image.unknown, Some(reason));
        assert!(image.config_json.is_empty() && image.layers.is_empty());
    }

    /// Above the eager limit the Image panel hears that the digests wait for an export; the
    /// worker does not gzip the layers for it.
    #[test]
    fn a_big_build_defers_its_image_digests_to_the_export() {
        let mut big = context();
        let size = layerlab::simulate::EAGER_DIGEST_LIMIT as usize + 1;
        big.insert_file("big.bin", vec![1u8; size], Metadata::with_mode(0o644))
            .unwrap();
        let text = "FROM scratch\nCOPY big.bin /\n";
        let analysis = analysed(text, &big);
        let (_, image, _) =
            unpack(decode_result(&encode_result(&pack(analysis, Vec::new()))).unwrap());
        let image = image.unwrap();
        assert!(image.deferred);
        let reason = image.unknown.unwrap();
        assert!(
            reason.contains("export") && reason.contains("67.1MB"),
            "{reason}"
        );
        assert!(image.config_json.is_empty() && image.layers.is_empty());
    }

    /// The advice (with its one-click fix) crosses as it is.
    #[test]
    fn advice_survives_the_binary_form() {
        let text = "FROM debian:bookworm\nRUN apt-get update\nRUN apt-get install -y curl\n";
        let catalogs = Catalogs::bundled();
        let analysis = analyze_with_context(
            text.as_bytes(),
            &context(),
            &BuildOptions::default(),
            &catalogs,
            None,
        );
        let advice = advisor::advise(
            &analysis.build.as_ref().unwrap().0,
            &layerlab::syntax::parse(text),
            &catalogs,
        );
        assert!(advice.iter().any(|a| a.fix.is_some()), "{advice:?}");
        let (_, _, back) =
            unpack(decode_result(&encode_result(&pack(analysis, advice.clone()))).unwrap());
        assert_eq!(back, advice);
    }

    #[test]
    fn checks_survive_the_binary_form() {
        let analysis = layerlab::analysis::analyze("FROM alpine\nRUN apt-get install x\nFROM\n");
        assert!(!analysis.diagnostics.is_empty());
        assert_eq!(decode_checks(&encode_checks(&analysis)).unwrap(), analysis);
    }

    #[test]
    fn requests_round_trip_as_json() {
        let r = Request::Context {
            op: ContextOp::Rename {
                from: "a".into(),
                to: "b".into(),
            },
            persist: true,
        };
        assert_eq!(serde_json::from_str::<Request>(&r.to_json()).unwrap(), r);
    }
}
