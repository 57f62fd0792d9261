//! Short previews of the files a layer adds or modifies, carried in the serialisable
//! [`Build`](super::Build) model so a page can show a file's text without the private trees
//! (for example when the simulation runs in a Web Worker and only the model crosses over).
//!
//! The model must stay small: a preview holds at most [`PREVIEW_FILE_BYTES`] of one file, and
//! one build carries at most [`PREVIEW_BUILD_BYTES`] of preview text in all (files met after
//! the budget is spent say so with [`ContentPreview::Omitted`]). Only text is previewed:
//! UTF-8 without NUL bytes, the test `git diff` and `grep` use for "binary".

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::fs::Content;

/// The most bytes of one file a preview holds (cut at a character boundary).
pub const PREVIEW_FILE_BYTES: usize = 4096;

/// The most preview bytes one build carries, over all its layers (text previews and the
/// origins of unknown files).
pub const PREVIEW_BUILD_BYTES: usize = 256 * 1024;

/// What can be shown of a regular file's content. JSON (the CLI, the JS API) writes it
/// tagged (`{"kind": "text", "text": …}`); binary formats (the worker's bincode, which cannot
/// read tagged enums) write it as a plain enum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContentPreview {
    /// The file is text: its first bytes (all of it unless `truncated`).
    Text { text: String, truncated: bool },
    /// The bytes are known but are not text (a NUL byte, or not UTF-8).
    Binary,
    /// The bytes are not known: `origin` says what wrote the file (a simulated `RUN`, a
    /// remote `ADD`); empty once the build's preview budget is spent.
    Unknown { origin: String },
    /// Text, left out because the build's preview budget was already spent.
    Omitted,
}

/// [`ContentPreview`] as JSON writes it, and (without the tag) as binary formats do.
macro_rules! preview_forms {
    ($($(#[$attr:meta])* $name:ident;)*) => {$(
        #[derive(Serialize, Deserialize)]
        $(#[$attr])*
        enum $name {
            Text { text: String, truncated: bool },
            Binary,
            Unknown { origin: String },
            Omitted,
        }

        impl From<ContentPreview> for $name {
            fn from(p: ContentPreview) -> Self {
                match p {
                    ContentPreview::Text { text, truncated } => $name::Text { text, truncated },
                    ContentPreview::Binary => $name::Binary,
                    ContentPreview::Unknown { origin } => $name::Unknown { origin },
                    ContentPreview::Omitted => $name::Omitted,
                }
            }
        }

        impl From<$name> for ContentPreview {
            fn from(p: $name) -> Self {
                match p {
                    $name::Text { text, truncated } => ContentPreview::Text { text, truncated },
                    $name::Binary => ContentPreview::Binary,
                    $name::Unknown { origin } => ContentPreview::Unknown { origin },
                    $name::Omitted => ContentPreview::Omitted,
                }
            }
        }
    )*};
}

preview_forms! {
    #[serde(tag = "kind", rename_all = "snake_case")]
    TaggedPreview;
    PlainPreview;
}

impl Serialize for ContentPreview {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            TaggedPreview::from(self.clone()).serialize(serializer)
        } else {
            PlainPreview::from(self.clone()).serialize(serializer)
        }
    }
}

impl<'de> Deserialize<'de> for ContentPreview {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if deserializer.is_human_readable() {
            TaggedPreview::deserialize(deserializer).map(Into::into)
        } else {
            PlainPreview::deserialize(deserializer).map(Into::into)
        }
    }
}

/// The preview budget of one build: how many bytes previews may still take.
#[derive(Clone, Debug)]
pub struct PreviewBudget {
    left: usize,
}

impl Default for PreviewBudget {
    fn default() -> Self {
        PreviewBudget {
            left: PREVIEW_BUILD_BYTES,
        }
    }
}

impl PreviewBudget {
    /// The preview of `content`, taking its text from the budget.
    pub fn preview(&mut self, content: &Content) -> ContentPreview {
        let bytes = match content {
            Content::Known(bytes) => bytes,
            Content::Unknown { origin, .. } => {
                // The origin takes from the budget too (a RUN may write thousands of files);
                // past it, the preview still says "unknown", without the origin.
                let origin = if origin.len() <= self.left {
                    self.left -= origin.len();
                    origin.to_string()
                } else {
                    String::new()
                };
                return ContentPreview::Unknown { origin };
            }
        };
        let Some((text, truncated)) = text_head(bytes, PREVIEW_FILE_BYTES) else {
            return ContentPreview::Binary;
        };
        if text.len() > self.left {
            return ContentPreview::Omitted;
        }
        self.left -= text.len();
        ContentPreview::Text {
            text: text.to_string(),
            truncated,
        }
    }
}

/// The first at most `max` bytes of `bytes` as text, and whether the file goes on, or `None`
/// when it is not text. A multi-byte character cut by `max` is left out whole; the rest of
/// the file is not read (a long text file with binary after its head still previews).
pub fn text_head(bytes: &[u8], max: usize) -> Option<(&str, bool)> {
    let truncated = bytes.len() > max;
    let head = &bytes[..bytes.len().min(max)];
    if head.contains(&0) {
        return None;
    }
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        // Invalid only in the last, cut character: keep what comes before it.
        Err(e) if truncated && e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).ok()?
        }
        Err(_) => return None,
    };
    Some((text, truncated))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn short_text_is_previewed_whole() {
        let mut budget = PreviewBudget::default();
        assert_eq!(
            budget.preview(&Content::known(b"hello\n".to_vec())),
            ContentPreview::Text {
                text: "hello\n".into(),
                truncated: false
            }
        );
    }

    #[test]
    fn long_text_is_cut_at_a_character_boundary() {
        // 4095 ASCII bytes then "é" (2 bytes): the cut at 4096 falls inside "é".
        let mut bytes = vec![b'a'; PREVIEW_FILE_BYTES - 1];
        bytes.extend_from_slice("é and more".as_bytes());
        let (text, truncated) = text_head(&bytes, PREVIEW_FILE_BYTES).expect("text");
        assert!(truncated);
        assert_eq!(text.len(), PREVIEW_FILE_BYTES - 1);
        assert!(text.bytes().all(|b| b == b'a'));
    }

    #[test]
    fn nul_bytes_and_invalid_utf8_are_binary() {
        let mut budget = PreviewBudget::default();
        assert_eq!(
            budget.preview(&Content::known(b"ELF\0\x01".to_vec())),
            ContentPreview::Binary
        );
        assert_eq!(
            budget.preview(&Content::known(vec![0xff, 0xfe, b'a'])),
            ContentPreview::Binary
        );
    }

    #[test]
    fn unknown_content_says_where_it_came_from() {
        let mut budget = PreviewBudget::default();
        let content = Content::Unknown {
            estimated_size: Some(10),
            origin: Arc::from("RUN make"),
        };
        assert_eq!(
            budget.preview(&content),
            ContentPreview::Unknown {
                origin: "RUN make".into()
            }
        );
    }

    #[test]
    fn unknown_origins_take_from_the_budget() {
        let mut budget = PreviewBudget { left: 10 };
        let content = |origin: &str| Content::Unknown {
            estimated_size: None,
            origin: Arc::from(origin),
        };
        assert_eq!(
            budget.preview(&content("RUN make")),
            ContentPreview::Unknown {
                origin: "RUN make".into()
            }
        );
        assert_eq!(
            budget.preview(&content("RUN make")),
            ContentPreview::Unknown {
                origin: String::new()
            }
        );
    }

    #[test]
    fn the_build_budget_caps_the_total() {
        let mut budget = PreviewBudget::default();
        let file = Content::known(vec![b'x'; 10_000]);
        let mut kept = 0;
        let mut omitted = 0;
        for _ in 0..100 {
            match budget.preview(&file) {
                ContentPreview::Text { text, truncated } => {
                    assert!(truncated);
                    kept += text.len();
                }
                ContentPreview::Omitted => omitted += 1,
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(kept, PREVIEW_BUILD_BYTES);
        assert_eq!(omitted, 100 - PREVIEW_BUILD_BYTES / PREVIEW_FILE_BYTES);
    }
}
