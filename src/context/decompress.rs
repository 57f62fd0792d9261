//! Decompressing the four formats moby's `archive.DecompressStream` reads: gzip, bzip2, xz and
//! zstd, each with a pure-Rust decoder that also builds for `wasm32-unknown-unknown`.
//!
//! Every decoder is wrapped the same way: a counter on the compressed input and a
//! [`BombGuard`] on the output, so a decompression bomb is refused after a bounded amount of
//! work whatever its format ([`Limits::max_compression_ratio`] once
//! [`Limits::compression_ratio_grace_bytes`] have come out). Decoders that allocate a window
//! from a header field (xz's dictionary, zstd's window) are capped before they allocate.
//!
//! Formats as Go reads them: gzip and bzip2 members/streams may be concatenated (Go's
//! `compress/gzip` and `compress/bzip2` read on), xz streams may be concatenated (as `xz -d`
//! does), and zstd frames may follow each other, with skippable frames skipped (klauspost's
//! decoder, which moby uses, does both). Integrity checks are verified: gzip's CRC-32,
//! bzip2's block and stream CRCs, xz's check field, zstd's content checksum when present.

use std::cell::Cell;
use std::io::{self, Read};
use std::rc::Rc;

use flate2::read::MultiGzDecoder;

use super::archive::ArchiveFormat;
use super::limits::Limits;

/// Largest xz dictionary (LZMA2 decoder memory) accepted: 256 MiB, four times what `xz -9`
/// uses, so a header claiming 1.5 GiB cannot make the page allocate it.
pub const MAX_XZ_MEMORY_KIB: u32 = 256 * 1024;

/// Largest zstd window accepted: 128 MiB, the default limit of the `zstd` command
/// (`--memory=128MB`) and of ruzstd.
pub const MAX_ZSTD_WINDOW_BYTES: u64 = 128 * 1024 * 1024;

/// The marker error a [`BombGuard`] raises; recognised with [`is_bomb`] after other layers
/// (tar, the caller) wrap it.
#[derive(Debug)]
pub(crate) struct BombDetected;

impl std::fmt::Display for BombDetected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("decompression ratio exceeded")
    }
}

impl std::error::Error for BombDetected {}

/// Whether an I/O error is, or wraps (as the tar reader's errors do), a [`BombDetected`].
pub(crate) fn is_bomb(error: &io::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = error
        .get_ref()
        .map(|e| e as &(dyn std::error::Error + 'static));
    while let Some(e) = cause {
        if e.is::<BombDetected>() {
            return true;
        }
        if let Some(inner) = e.downcast_ref::<io::Error>() {
            if is_bomb(inner) {
                return true;
            }
        }
        cause = e.source();
    }
    false
}

/// The lower-case name of a compression, as error messages and notes print it.
pub fn format_name(format: ArchiveFormat) -> &'static str {
    match format {
        ArchiveFormat::Gzip => "gzip",
        ArchiveFormat::Bzip2 => "bzip2",
        ArchiveFormat::Xz => "xz",
        ArchiveFormat::Zstd => "zstd",
        ArchiveFormat::Tar => "tar",
        ArchiveFormat::Unknown => "unknown",
    }
}

/// Counts the compressed bytes a decoder has consumed, in a cell the guard also reads.
struct Counted<R> {
    inner: R,
    consumed: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.consumed.set(self.consumed.get() + n as u64);
        Ok(n)
    }
}

/// Stops decompression when the output grows implausibly faster than the input.
struct BombGuard<D> {
    decoder: D,
    consumed: Rc<Cell<u64>>,
    produced: u64,
    limits: Limits,
}

impl<D: Read> Read for BombGuard<D> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.decoder.read(buf)?;
        self.produced += n as u64;
        let consumed = self.consumed.get().max(1);
        if self.produced > self.limits.compression_ratio_grace_bytes
            && self.produced / consumed > self.limits.max_compression_ratio
        {
            return Err(io::Error::other(BombDetected));
        }
        Ok(n)
    }
}

/// A reader of the decompressed bytes of `bytes` in `format` (a compressed one), guarded
/// against bombs. `Tar` and `Unknown` are returned as they are.
pub(crate) fn decompressed<'a>(
    format: ArchiveFormat,
    bytes: &'a [u8],
    limits: Limits,
) -> io::Result<Box<dyn Read + 'a>> {
    let consumed = Rc::new(Cell::new(0u64));
    let input = Counted {
        inner: bytes,
        consumed: Rc::clone(&consumed),
    };
    let decoder: Box<dyn Read + 'a> = match format {
        ArchiveFormat::Gzip => Box::new(MultiGzDecoder::new(input)),
        ArchiveFormat::Bzip2 => Box::new(bzip2::read::MultiBzDecoder::new(input)),
        ArchiveFormat::Xz => Box::new(lzma_rust2::XzReader::new_mem_limit(
            input,
            true,
            MAX_XZ_MEMORY_KIB,
        )),
        ArchiveFormat::Zstd => Box::new(MultiZstd::new(input)?),
        ArchiveFormat::Tar | ArchiveFormat::Unknown => return Ok(Box::new(bytes)),
    };
    Ok(Box::new(BombGuard {
        decoder: Named {
            decoder,
            name: format_name(format),
        },
        consumed,
        produced: 0,
        limits,
    }))
}

/// Prefixes a decoder's errors with the format's name (`xz: …`), keeping their kind, so the
/// message says which layer failed whatever wraps it later.
struct Named<D> {
    decoder: D,
    name: &'static str,
}

impl<D: Read> Read for Named<D> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.decoder.read(buf).map_err(|e| {
            let text = e.to_string();
            if is_bomb(&e) || text.starts_with(self.name) {
                e
            } else {
                io::Error::new(e.kind(), format!("{}: {text}", self.name))
            }
        })
    }
}

/// Input whose unread remainder can be looked at (a byte slice).
trait PeekRest {
    fn rest(&self) -> &[u8];
}

impl PeekRest for &[u8] {
    fn rest(&self) -> &[u8] {
        self
    }
}

type ZstdFrame<R> = ruzstd::decoding::StreamingDecoder<Counted<R>, ruzstd::decoding::FrameDecoder>;

/// A sequence of zstd frames: data frames are decoded one after the other, each content
/// checksum verified; skippable frames are passed over.
struct MultiZstd<R: Read + PeekRest> {
    frame: Option<ZstdFrame<R>>,
}

impl<R: Read + PeekRest> MultiZstd<R> {
    fn new(input: Counted<R>) -> io::Result<Self> {
        Ok(MultiZstd {
            frame: open_frame(input, ruzstd::decoding::FrameDecoder::new())?,
        })
    }
}

/// `0x184D2A50`–`0x184D2A5F`: the magic numbers of skippable frames.
fn skippable_frame_length(rest: &[u8]) -> Option<u64> {
    let magic = u32::from_le_bytes(rest.get(..4)?.try_into().ok()?);
    if magic & 0xFFFF_FFF0 != 0x184D_2A50 {
        return None;
    }
    let length = u32::from_le_bytes(rest.get(4..8)?.try_into().ok()?);
    Some(8 + u64::from(length))
}

/// Passes over skippable frames, then reads the next data frame's header (window capped);
/// `None` when the input ends first.
fn open_frame<R: Read + PeekRest>(
    mut input: Counted<R>,
    mut decoder: ruzstd::decoding::FrameDecoder,
) -> io::Result<Option<ZstdFrame<R>>> {
    while let Some(length) = skippable_frame_length(input.inner.rest()) {
        let skipped = io::copy(&mut (&mut input).take(length), &mut io::sink())?;
        if skipped < length {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "zstd: skippable frame cut short",
            ));
        }
    }
    if input.inner.rest().is_empty() {
        return Ok(None);
    }
    decoder.set_max_window_size(MAX_ZSTD_WINDOW_BYTES);
    ruzstd::decoding::StreamingDecoder::new_with_decoder(input, decoder)
        .map(Some)
        .map_err(zstd_error)
}

/// Checks a frame's content checksum once all of it has been read.
fn verify_frame(decoder: &ruzstd::decoding::FrameDecoder) -> io::Result<()> {
    match (
        decoder.get_checksum_from_data(),
        decoder.get_calculated_checksum(),
    ) {
        (Some(stored), Some(computed)) if stored != computed => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("zstd: frame checksum mismatch (stored {stored:08x}, computed {computed:08x})"),
        )),
        _ => Ok(()),
    }
}

impl<R: Read + PeekRest> Read for MultiZstd<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(frame) = self.frame.as_mut() else {
                return Ok(0);
            };
            let n = frame.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            let Some(frame) = self.frame.take() else {
                return Ok(0);
            };
            let (input, decoder) = frame.into_parts();
            verify_frame(&decoder)?;
            self.frame = open_frame(input, decoder)?;
        }
    }
}

fn zstd_error(error: ruzstd::decoding::errors::FrameDecoderError) -> io::Error {
    use ruzstd::decoding::errors::{FrameDecoderError, ReadFrameHeaderError};
    let text = error.to_string();
    let eof = matches!(
        &error,
        FrameDecoderError::ReadFrameHeaderError(ReadFrameHeaderError::MagicNumberReadError(_))
            | FrameDecoderError::ReadFrameHeaderError(
                ReadFrameHeaderError::FrameDescriptorReadError(_)
            )
    ) || text.to_ascii_lowercase().contains("eof")
        || text.contains("unexpected end");
    io::Error::new(
        if eof {
            io::ErrorKind::UnexpectedEof
        } else {
            io::ErrorKind::InvalidData
        },
        format!("zstd: {text}"),
    )
}
