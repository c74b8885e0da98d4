import Foundation

/// The Docs v1 call and shapes the Docs screen uses: a document's paragraphs as text.
public enum DocsAPI {
    public struct Document: Decodable {
        public let documentId: String?
        public let title: String?
        public let body: Body?
    }

    public struct Body: Decodable {
        public let content: [StructuralElement]?
    }

    public struct StructuralElement: Decodable {
        public let paragraph: Paragraph?
        public let table: Table?
    }

    public struct Paragraph: Decodable {
        public let elements: [ParagraphElement]?
        public let paragraphStyle: ParagraphStyle?
        public let bullet: Bullet?
    }

    public struct ParagraphElement: Decodable {
        public let textRun: TextRun?
    }

    public struct TextRun: Decodable {
        public let content: String?
    }

    public struct ParagraphStyle: Decodable {
        /// `TITLE`, `SUBTITLE`, `HEADING_1` … `HEADING_6` or `NORMAL_TEXT`.
        public let namedStyleType: String?
    }

    public struct Bullet: Decodable {
        public let listId: String?
    }

    public struct Table: Decodable {
        public let tableRows: [TableRow]?
    }

    public struct TableRow: Decodable {
        public let tableCells: [TableCell]?
    }

    public struct TableCell: Decodable {
        public let content: [StructuralElement]?
    }

    /// One paragraph as the screen shows it.
    public struct Line: Identifiable, Hashable {
        /// Its position in the document.
        public let id: Int
        public let text: String
        /// The paragraph's named style (`NORMAL_TEXT` when it has none; `TABLE_ROW` for a row).
        public let style: String
        public let isBullet: Bool

        public init(id: Int, text: String, style: String, isBullet: Bool) {
            self.id = id
            self.text = text
            self.style = style
            self.isBullet = isBullet
        }
    }

    /// A Google Doc.
    public static func documentPath(id: String) -> String {
        "/v1/documents/" + Query.encode(id)
    }

    /// The paragraphs' text runs joined per paragraph (a table row becomes one line of cells
    /// joined by " | "); empty paragraphs left out.
    public static func lines(of document: Document) -> [Line] {
        var lines: [Line] = []
        for element in document.body?.content ?? [] {
            if let paragraph = element.paragraph {
                let text = paragraphText(paragraph)
                if !text.isEmpty {
                    lines.append(Line(
                        id: lines.count,
                        text: text,
                        style: paragraph.paragraphStyle?.namedStyleType ?? "NORMAL_TEXT",
                        isBullet: paragraph.bullet != nil
                    ))
                }
            } else if let table = element.table {
                for row in table.tableRows ?? [] {
                    let cells = (row.tableCells ?? []).map { cell in cellText(cell) }
                    lines.append(Line(id: lines.count, text: cells.joined(separator: " | "), style: "TABLE_ROW", isBullet: false))
                }
            }
        }
        return lines
    }

    static func paragraphText(_ paragraph: Paragraph) -> String {
        let runs = (paragraph.elements ?? []).compactMap { element in element.textRun?.content }
        return runs.joined().trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func cellText(_ cell: TableCell) -> String {
        let texts = (cell.content ?? []).compactMap { element in element.paragraph.map { paragraphText($0) } }
        return texts.filter { !$0.isEmpty }.joined(separator: " ")
    }
}

extension WorkspaceClient {
    /// The Google Doc `id`.
    public func document(id: String) async throws -> DocsAPI.Document {
        try await getDecoded(DocsAPI.Document.self, DocsAPI.documentPath(id: id))
    }
}
