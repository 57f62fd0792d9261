//! The image config blob (`application/vnd.oci.image.config.v1+json`) exactly as BuildKit
//! writes it: the frontend marshals docker's `DockerOCIImage` (image-spec `Image` with the
//! `Healthcheck`/`OnBuild`/`Shell` extension), then the exporter's `patchImageConfig`
//! re-marshals the top level as a Go map, so top-level keys come out sorted while the inner
//! `config`, `history` and `rootfs` keep Go struct order.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::digest::Digest;
use super::gojson::{GoJson, ObjectBuilder};

/// A point in time, written like Go's `time.Time` in JSON (RFC 3339 with nanoseconds, UTC `Z`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub struct Timestamp {
    pub secs: i64,
    pub nanos: u32,
}

impl Timestamp {
    pub fn from_secs(secs: i64) -> Timestamp {
        Timestamp { secs, nanos: 0 }
    }

    /// `2006-01-02T15:04:05.999999999Z` with trailing fractional zeros removed.
    pub fn rfc3339_nano(&self) -> String {
        let days = self.secs.div_euclid(86_400);
        let rem = self.secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let mut s = format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            rem / 3600,
            rem / 60 % 60,
            rem % 60
        );
        if self.nanos > 0 {
            let frac = format!("{:09}", self.nanos.min(999_999_999));
            s.push('.');
            s.push_str(frac.trim_end_matches('0'));
        }
        s.push('Z');
        s
    }
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `HEALTHCHECK` settings (docker's `HealthcheckConfig`; durations in nanoseconds).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Healthcheck {
    /// `["NONE"]`, `["CMD", …]` or `["CMD-SHELL", cmd]`.
    pub test: Vec<String>,
    pub interval_ns: i64,
    pub timeout_ns: i64,
    pub start_period_ns: i64,
    pub start_interval_ns: i64,
    pub retries: i64,
}

/// The runtime settings (`config` in the image config). `None` lists are Go's nil slices.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunConfig {
    pub user: String,
    /// `"80/tcp"` style keys.
    pub exposed_ports: BTreeSet<String>,
    pub env: Vec<String>,
    pub entrypoint: Option<Vec<String>>,
    pub cmd: Option<Vec<String>>,
    pub volumes: BTreeSet<String>,
    pub working_dir: String,
    pub labels: BTreeMap<String, String>,
    pub stop_signal: String,
    pub args_escaped: bool,
    pub healthcheck: Option<Healthcheck>,
    pub on_build: Vec<String>,
    pub shell: Vec<String>,
}

/// One `history` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub created: Option<Timestamp>,
    pub created_by: String,
    pub author: String,
    pub comment: String,
    pub empty_layer: bool,
}

/// An image config without its `rootfs` (the diff_ids come from the layers).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageConfig {
    pub created: Option<Timestamp>,
    pub author: String,
    pub architecture: String,
    pub os: String,
    pub os_version: String,
    pub os_features: Vec<String>,
    pub variant: String,
    pub config: RunConfig,
    pub history: Vec<HistoryEntry>,
}

impl ImageConfig {
    /// A config as BuildKit writes one: no author, OS version, OS features or variant.
    pub fn new(
        created: Option<Timestamp>,
        os: String,
        architecture: String,
        config: RunConfig,
        history: Vec<HistoryEntry>,
    ) -> ImageConfig {
        ImageConfig {
            created,
            author: String::new(),
            architecture,
            os,
            os_version: String::new(),
            os_features: Vec::new(),
            variant: String::new(),
            config,
            history,
        }
    }
}

fn strings(v: &[String]) -> GoJson {
    GoJson::strings(Some(v))
}

impl RunConfig {
    /// Go struct order of `DockerOCIImageConfig`, every field `omitempty`.
    pub fn to_json(&self) -> GoJson {
        ObjectBuilder::new()
            .omitempty("User", GoJson::str(&self.user))
            .omitempty("ExposedPorts", GoJson::set(&self.exposed_ports))
            .omitempty("Env", strings(&self.env))
            .omitempty("Entrypoint", GoJson::strings(self.entrypoint.as_deref()))
            .omitempty("Cmd", GoJson::strings(self.cmd.as_deref()))
            .omitempty("Volumes", GoJson::set(&self.volumes))
            .omitempty("WorkingDir", GoJson::str(&self.working_dir))
            .omitempty("Labels", GoJson::string_map(&self.labels))
            .omitempty("StopSignal", GoJson::str(&self.stop_signal))
            .omitempty("ArgsEscaped", GoJson::Bool(self.args_escaped))
            .omitempty(
                "Healthcheck",
                self.healthcheck
                    .as_ref()
                    .map_or(GoJson::Null, Healthcheck::to_json),
            )
            .omitempty("OnBuild", strings(&self.on_build))
            .omitempty("Shell", strings(&self.shell))
            .build()
    }
}

impl Healthcheck {
    pub fn to_json(&self) -> GoJson {
        // A pointer to a struct is never "empty": `{}` when every field is zero.
        ObjectBuilder::new()
            .omitempty("Test", strings(&self.test))
            .omitempty("Interval", GoJson::Int(self.interval_ns))
            .omitempty("Timeout", GoJson::Int(self.timeout_ns))
            .omitempty("StartPeriod", GoJson::Int(self.start_period_ns))
            .omitempty("StartInterval", GoJson::Int(self.start_interval_ns))
            .omitempty("Retries", GoJson::Int(self.retries))
            .build()
    }
}

impl HistoryEntry {
    pub fn to_json(&self) -> GoJson {
        ObjectBuilder::new()
            .omitempty(
                "created",
                self.created
                    .map_or(GoJson::Null, |t| GoJson::Str(t.rfc3339_nano())),
            )
            .omitempty("created_by", GoJson::str(&self.created_by))
            .omitempty("author", GoJson::str(&self.author))
            .omitempty("comment", GoJson::str(&self.comment))
            .omitempty("empty_layer", GoJson::Bool(self.empty_layer))
            .build()
    }
}

impl ImageConfig {
    /// The config as BuildKit's exporter writes it, with `rootfs.diff_ids` = `diff_ids`.
    /// `created` is the config's own time or, like `patchImageConfig`, the last history time.
    pub fn to_json(&self, diff_ids: &[Digest]) -> GoJson {
        let mut top: BTreeMap<&str, GoJson> = BTreeMap::new();
        top.insert("architecture", GoJson::str(&self.architecture));
        top.insert("os", GoJson::str(&self.os));
        if !self.author.is_empty() {
            top.insert("author", GoJson::str(&self.author));
        }
        if !self.os_version.is_empty() {
            top.insert("os.version", GoJson::str(&self.os_version));
        }
        if !self.os_features.is_empty() {
            top.insert("os.features", strings(&self.os_features));
        }
        if !self.variant.is_empty() {
            top.insert("variant", GoJson::str(&self.variant));
        }
        top.insert("config", self.config.to_json());
        let created = self
            .created
            .or_else(|| self.history.iter().rev().find_map(|h| h.created));
        top.insert(
            "created",
            created.map_or(GoJson::Null, |t| GoJson::Str(t.rfc3339_nano())),
        );
        top.insert(
            "history",
            if self.history.is_empty() {
                GoJson::Null
            } else {
                GoJson::Array(self.history.iter().map(HistoryEntry::to_json).collect())
            },
        );
        let ids = if diff_ids.is_empty() {
            GoJson::Null
        } else {
            GoJson::Array(diff_ids.iter().map(|d| GoJson::str(d.as_str())).collect())
        };
        top.insert(
            "rootfs",
            ObjectBuilder::new()
                .field("type", GoJson::str("layers"))
                .field("diff_ids", ids)
                .build(),
        );
        GoJson::Object(top.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    /// The exact config bytes (compact, no trailing newline).
    pub fn to_bytes(&self, diff_ids: &[Digest]) -> Vec<u8> {
        self.to_json(diff_ids).to_compact().into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_time_format() {
        assert_eq!(
            Timestamp::from_secs(0).rfc3339_nano(),
            "1970-01-01T00:00:00Z"
        );
        assert_eq!(
            Timestamp {
                secs: 1_700_000_000,
                nanos: 120_000_000
            }
            .rfc3339_nano(),
            "2023-11-14T22:13:20.12Z"
        );
        assert_eq!(
            Timestamp::from_secs(951_782_400).rfc3339_nano(),
            "2000-02-29T00:00:00Z"
        );
    }

    #[test]
    fn sorted_top_level_and_struct_order_inside() {
        let cfg = ImageConfig {
            architecture: "amd64".into(),
            os: "linux".into(),
            config: RunConfig {
                env: vec!["PATH=/bin".into()],
                cmd: Some(vec!["sh".into()]),
                working_dir: "/".into(),
                ..RunConfig::default()
            },
            history: vec![HistoryEntry {
                created: Some(Timestamp::from_secs(0)),
                created_by: "COPY a / # buildkit".into(),
                comment: "buildkit.dockerfile.v0".into(),
                ..HistoryEntry::default()
            }],
            ..ImageConfig::default()
        };
        let d = Digest::sha256(b"");
        let s = String::from_utf8(cfg.to_bytes(std::slice::from_ref(&d))).unwrap();
        assert_eq!(
            s,
            format!(
                r#"{{"architecture":"amd64","config":{{"Env":["PATH=/bin"],"Cmd":["sh"],"WorkingDir":"/"}},"created":"1970-01-01T00:00:00Z","history":[{{"created":"1970-01-01T00:00:00Z","created_by":"COPY a / # buildkit","comment":"buildkit.dockerfile.v0"}}],"os":"linux","rootfs":{{"type":"layers","diff_ids":["{d}"]}}}}"#
            )
        );
    }
}
