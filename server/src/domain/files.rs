//! What a stored file is: its display name and its type, judged from the bytes.

use shared::DocumentCategory;
use unicode_normalization::UnicodeNormalization;

use super::values::Invalid;

/// How many leading bytes the type detection looks at.
pub const SNIFF_BYTES: usize = 8192;

/// The name a file had on the uploader's machine, for display only: never a
/// storage path. Normalised to NFC (a name typed on a Mac and on Windows is
/// the same name), stripped of any folder part and of control and
/// bidirectional-override characters that could make `exe.pdf` look like
/// `fdp.exe` or hide an extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileName(String);

impl FileName {
    pub const MAX_CHARS: usize = 255;
    const FALLBACK: &'static str = "Dokument";

    pub fn parse(raw: &str) -> FileName {
        let normalised: String = raw.nfc().collect();
        let base = normalised.rsplit(['/', '\\']).next().unwrap_or_default();
        let visible: String = base.chars().filter(|c| !is_hidden_control(*c)).collect();
        let trimmed = visible.trim().trim_start_matches('.').trim();
        let name = if trimmed.is_empty() {
            Self::FALLBACK
        } else {
            trimmed
        };
        FileName(truncate_keeping_extension(name, Self::MAX_CHARS))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The extension, split at the last dot, lower-cased; `None` without one.
    pub fn extension(&self) -> Option<String> {
        let (stem, ext) = self.0.rsplit_once('.')?;
        (!stem.is_empty() && !ext.is_empty()).then(|| ext.to_lowercase())
    }
}

fn is_hidden_control(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        || c == '\u{FEFF}'
}

fn truncate_keeping_extension(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        return name.to_string();
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e)
        .filter(|e| e.chars().count() <= 16);
    match ext {
        Some(ext) => {
            let keep = max - ext.chars().count() - 1;
            format!("{}.{ext}", name.chars().take(keep).collect::<String>())
        }
        None => name.chars().take(max).collect(),
    }
}

/// A file type the room knows, detected from the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    Pdf,
    Png,
    Jpeg,
    Tiff,
    Heif,
    /// AutoCAD drawing.
    Dwg,
    /// AutoCAD drawing exchange format (text or binary).
    Dxf,
    /// Industry Foundation Classes: a BIM model in STEP physical file syntax.
    Ifc,
}

impl MediaType {
    pub fn mime(self) -> &'static str {
        match self {
            MediaType::Pdf => "application/pdf",
            MediaType::Png => "image/png",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Tiff => "image/tiff",
            MediaType::Heif => "image/heif",
            MediaType::Dwg => "image/vnd.dwg",
            MediaType::Dxf => "image/vnd.dxf",
            MediaType::Ifc => "application/x-step",
        }
    }

    /// Whether browsers may show it inline; everything else downloads.
    pub fn is_inline_safe(mime: &str) -> bool {
        matches!(mime, "application/pdf" | "image/png" | "image/jpeg")
    }

    fn label(self) -> &'static str {
        match self {
            MediaType::Pdf => "PDF",
            MediaType::Png => "PNG",
            MediaType::Jpeg => "JPEG",
            MediaType::Tiff => "TIFF",
            MediaType::Heif => "HEIF",
            MediaType::Dwg => "DWG",
            MediaType::Dxf => "DXF",
            MediaType::Ifc => "IFC",
        }
    }
}

/// Detects the type from the first bytes of a file; the name and the type the
/// client declared play no part.
pub fn detect(head: &[u8]) -> Option<MediaType> {
    if head.starts_with(b"AC10") && head.len() >= 6 && head[4..6].iter().all(u8::is_ascii_digit) {
        return Some(MediaType::Dwg);
    }
    if is_dxf(head) {
        return Some(MediaType::Dxf);
    }
    if head.starts_with(b"ISO-10303-21;") && contains(head, b"FILE_SCHEMA") {
        return Some(MediaType::Ifc);
    }
    match infer::get(head)?.mime_type() {
        "application/pdf" => Some(MediaType::Pdf),
        "image/png" => Some(MediaType::Png),
        "image/jpeg" => Some(MediaType::Jpeg),
        "image/tiff" => Some(MediaType::Tiff),
        "image/heif" => Some(MediaType::Heif),
        _ => None,
    }
}

fn is_dxf(head: &[u8]) -> bool {
    if head.starts_with(b"AutoCAD Binary DXF\r\n\x1a\0") {
        return true;
    }
    // Text DXF opens with the group code 0 and a SECTION, maybe after a comment
    // (group 999); leading spaces on the code are common.
    let text = String::from_utf8_lossy(&head[..head.len().min(512)]);
    let mut lines = text.lines().map(str::trim);
    match (lines.next(), lines.next()) {
        (Some("0"), Some("SECTION")) => true,
        (Some("999"), Some(_)) => {
            matches!((lines.next(), lines.next()), (Some("0"), Some("SECTION")))
        }
        _ => false,
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The types a document category accepts: PDF and images for all, CAD and
/// BIM formats for drawings.
pub fn accepted(category: DocumentCategory) -> &'static [MediaType] {
    use MediaType::*;
    if category.is_plan() {
        &[Pdf, Png, Jpeg, Tiff, Dwg, Dxf, Ifc]
    } else if category == DocumentCategory::Photos {
        &[Jpeg, Png, Tiff, Heif, Pdf]
    } else {
        &[Pdf, Png, Jpeg, Tiff]
    }
}

/// Checks the first bytes of an upload against its category.
pub fn check_type(category: DocumentCategory, head: &[u8]) -> Result<MediaType, Invalid> {
    let allowed = accepted(category);
    let names = allowed
        .iter()
        .map(|t| t.label())
        .collect::<Vec<_>>()
        .join(", ");
    if head.is_empty() {
        return Err(Invalid(
            "The file is empty. Please choose the file again.".into(),
        ));
    }
    match detect(head) {
        Some(found) if allowed.contains(&found) => Ok(found),
        Some(found) => Err(Invalid(format!(
            "The file is a {} file; this document category accepts {names}.",
            found.label()
        ))),
        None => Err(Invalid(format!(
            "The file's content is not of a type this document category accepts ({names}), \
             whatever its name says."
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_in_nfd_and_in_nfc_is_one_name() {
        let nfd = "Mu\u{308}ller.pdf";
        assert_eq!(FileName::parse(nfd), FileName::parse("Müller.pdf"));
        assert_eq!(FileName::parse(nfd).as_str(), "Müller.pdf");
    }

    #[test]
    fn folder_parts_are_dropped_from_unix_and_windows_paths() {
        assert_eq!(FileName::parse("../../etc/passwd").as_str(), "passwd");
        assert_eq!(
            FileName::parse(r"C:\Users\Dana\Lageplan.pdf").as_str(),
            "Lageplan.pdf"
        );
    }

    #[test]
    fn a_bidirectional_override_cannot_disguise_the_extension() {
        let name = FileName::parse("Plan\u{202E}fdp.exe");
        assert_eq!(name.as_str(), "Planfdp.exe");
        assert_eq!(name.extension().as_deref(), Some("exe"));
    }

    #[test]
    fn an_empty_or_dot_only_name_gets_a_neutral_one() {
        assert_eq!(FileName::parse("").as_str(), "Dokument");
        assert_eq!(FileName::parse("..").as_str(), "Dokument");
        assert_eq!(FileName::parse(".hidden").as_str(), "hidden");
    }

    #[test]
    fn extensions_split_at_the_last_dot() {
        assert_eq!(
            FileName::parse("plan.v2.PDF").extension().as_deref(),
            Some("pdf")
        );
        assert_eq!(FileName::parse("README").extension(), None);
    }

    #[test]
    fn a_very_long_name_keeps_its_extension() {
        let name = FileName::parse(&format!("{}.pdf", "ä".repeat(400)));
        assert_eq!(name.as_str().chars().count(), FileName::MAX_CHARS);
        assert!(name.as_str().ends_with(".pdf"));
    }

    #[test]
    fn html_renamed_to_pdf_is_refused() {
        let html = b"<!DOCTYPE html><html><script>alert(1)</script></html>";
        assert!(check_type(DocumentCategory::SitePlan, html).is_err());
    }

    #[test]
    fn cad_formats_are_plans_but_not_building_descriptions() {
        let dwg = b"AC1032\0\0\0\0\0\0";
        assert_eq!(
            check_type(DocumentCategory::FloorPlans, dwg),
            Ok(MediaType::Dwg)
        );
        assert!(check_type(DocumentCategory::BuildingDescription, dwg).is_err());
    }

    #[test]
    fn text_dxf_and_ifc_are_recognised() {
        assert_eq!(detect(b"  0\nSECTION\n  2\nHEADER\n"), Some(MediaType::Dxf));
        assert_eq!(
            detect(b"999\r\nmade by x\r\n0\r\nSECTION\r\n"),
            Some(MediaType::Dxf)
        );
        let ifc = b"ISO-10303-21;\nHEADER;\nFILE_SCHEMA(('IFC4'));\n";
        assert_eq!(detect(ifc), Some(MediaType::Ifc));
    }

    #[test]
    fn an_empty_file_is_refused_with_its_own_reason() {
        let err = check_type(DocumentCategory::SitePlan, b"").unwrap_err();
        assert!(err.0.contains("empty"));
    }
}
