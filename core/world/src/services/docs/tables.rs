//! Table row and column requests: insertTableRow, insertTableColumn, deleteTableRow and
//! deleteTableColumn. A table is addressed by `tableCellLocation.tableStartLocation.index` (the
//! table's start index in the body); named ranges after a change move with the text.

use serde_json::{json, Map, Value};

use super::body::{shift_ranges_delete, shift_ranges_insert, Block, Document, Paragraph, Table};

/// Start/end of every row and cell of table `t` starting at `start`.
struct Layout {
    rows: Vec<(u32, u32)>,
    cells: Vec<Vec<(u32, u32)>>,
}

fn layout(t: &Table, start: u32) -> Layout {
    let mut at = start + 1;
    let mut rows = Vec::new();
    let mut cells = Vec::new();
    for row in &t.cells {
        let row_start = at;
        at += 1;
        let mut cs = Vec::new();
        for cell in row {
            let cell_start = at;
            at += 1 + cell.iter().map(Paragraph::len).sum::<u32>();
            cs.push((cell_start, at));
        }
        rows.push((row_start, at));
        cells.push(cs);
    }
    Layout { rows, cells }
}

/// (table block index, table start, row, column) from a `tableCellLocation`.
fn locate(doc: &Document, r: &Map<String, Value>) -> Result<(usize, u32, usize, usize), String> {
    let loc = r
        .get("tableCellLocation")
        .and_then(Value::as_object)
        .ok_or("tableCellLocation is required.")?;
    let start_loc = loc
        .get("tableStartLocation")
        .and_then(Value::as_object)
        .ok_or("tableCellLocation.tableStartLocation is required.")?;
    if start_loc
        .get("segmentId")
        .and_then(Value::as_str)
        .is_some_and(|s| !s.is_empty())
    {
        return Err("Tables only exist in the body.".into());
    }
    let index = start_loc.get("index").and_then(Value::as_u64).unwrap_or(0);
    let row = loc.get("rowIndex").and_then(Value::as_u64).unwrap_or(0) as usize;
    let col = loc.get("columnIndex").and_then(Value::as_u64).unwrap_or(0) as usize;
    let mut at = 1u32;
    for (i, b) in doc.body.iter().enumerate() {
        if u64::from(at) == index {
            if let Block::Table(t) = b {
                if row >= t.cells.len() {
                    return Err(format!(
                        "rowIndex {row} is out of range: the table has {} rows.",
                        t.cells.len()
                    ));
                }
                if col >= t.cells[row].len() {
                    return Err(format!(
                        "columnIndex {col} is out of range: the table has {} columns.",
                        t.cells[row].len()
                    ));
                }
                return Ok((i, at, row, col));
            }
        }
        at += b.len();
    }
    Err(format!("No table starts at index {index}."))
}

fn table_mut(doc: &mut Document, i: usize) -> Result<&mut Table, String> {
    match doc.body.get_mut(i) {
        Some(Block::Table(t)) => Ok(t),
        _ => Err("Not a table.".into()),
    }
}

fn empty_cell() -> Vec<Paragraph> {
    vec![Paragraph::new("", "NORMAL_TEXT")]
}

/// Applies a table request; `None` when `kind` is not one.
pub fn apply(
    doc: &mut Document,
    kind: &str,
    r: &Map<String, Value>,
) -> Option<Result<Value, String>> {
    let result = match kind {
        "insertTableRow" => insert_row(doc, r),
        "insertTableColumn" => insert_column(doc, r),
        "deleteTableRow" => delete_row(doc, r),
        "deleteTableColumn" => delete_column(doc, r),
        _ => return None,
    };
    Some(result.map(|()| json!({})))
}

fn insert_row(doc: &mut Document, r: &Map<String, Value>) -> Result<(), String> {
    let (i, start, row, _) = locate(doc, r)?;
    let below = r
        .get("insertBelow")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let t = table_mut(doc, i)?;
    let lay = layout(t, start);
    let cols = t.cells[row].len();
    let at = if below {
        lay.rows[row].1
    } else {
        lay.rows[row].0
    };
    t.cells.insert(
        if below { row + 1 } else { row },
        (0..cols).map(|_| empty_cell()).collect(),
    );
    shift_ranges_insert(
        &mut doc.named_ranges,
        None,
        at.saturating_sub(1),
        1 + 2 * cols as u32,
    );
    Ok(())
}

fn insert_column(doc: &mut Document, r: &Map<String, Value>) -> Result<(), String> {
    let (i, start, _, col) = locate(doc, r)?;
    let right = r
        .get("insertRight")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let t = table_mut(doc, i)?;
    if t.cells.first().map(Vec::len).unwrap_or(0) >= 20 {
        return Err("A table can have at most 20 columns.".into());
    }
    let lay = layout(t, start);
    let mut points = Vec::new();
    for (ri, row) in t.cells.iter_mut().enumerate() {
        let c = col.min(row.len().saturating_sub(1));
        let at = if right {
            lay.cells[ri][c].1
        } else {
            lay.cells[ri][c].0
        };
        row.insert(if right { c + 1 } else { c }, empty_cell());
        points.push(at);
    }
    for at in points.into_iter().rev() {
        shift_ranges_insert(&mut doc.named_ranges, None, at.saturating_sub(1), 2);
    }
    Ok(())
}

fn delete_row(doc: &mut Document, r: &Map<String, Value>) -> Result<(), String> {
    let (i, start, row, _) = locate(doc, r)?;
    let t = table_mut(doc, i)?;
    if t.cells.len() == 1 {
        return Err("The only row of a table cannot be deleted; delete the table instead.".into());
    }
    let (a, b) = layout(t, start).rows[row];
    t.cells.remove(row);
    shift_ranges_delete(&mut doc.named_ranges, None, a, b);
    Ok(())
}

fn delete_column(doc: &mut Document, r: &Map<String, Value>) -> Result<(), String> {
    let (i, start, _, col) = locate(doc, r)?;
    let t = table_mut(doc, i)?;
    if t.cells.iter().any(|row| row.len() <= 1) {
        return Err(
            "The only column of a table cannot be deleted; delete the table instead.".into(),
        );
    }
    let lay = layout(t, start);
    let mut spans = Vec::new();
    for (ri, row) in t.cells.iter_mut().enumerate() {
        if col < row.len() {
            row.remove(col);
            spans.push(lay.cells[ri][col]);
        }
    }
    for (a, b) in spans.into_iter().rev() {
        shift_ranges_delete(&mut doc.named_ranges, None, a, b);
    }
    Ok(())
}
