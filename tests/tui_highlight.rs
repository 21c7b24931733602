//! The query in the rule detail is highlighted: with NO_COLOR, keywords bold, strings italic, numbers and
//! timespans underlined, comments dim; with colours, each kind its colour. Checked on the drawn cells.

#[path = "tui_helpers.rs"]
mod helpers;

use helpers::Bench;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

const RULE: &str = "name: Highlight me\nquery: |\n  // recent\n  DeviceEvents\n  | where ActionType == \"X\" and Count > 5\n  | take 3\n";

fn bench(color: bool) -> (Bench, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let mut report = helpers::load(&[]);
    helpers::rule_file(tmp.path(), "hl.yaml", RULE, &mut report);
    let mut b = Bench::new(report, &[]);
    b.app.color = color;
    (b, tmp)
}

/// The cell where `needle` first appears on a line that contains `line_has`.
fn find(buf: &Buffer, line_has: &str, needle: &str) -> (u16, u16) {
    let w = buf.area.width;
    for y in 0..buf.area.height {
        let line: String = (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect();
        if line.contains(line_has)
            && let Some(p) = line.find(needle)
        {
            let x = line[..p].chars().count() as u16;
            return (x, y);
        }
    }
    panic!("{needle} not on screen");
}

#[test]
fn no_color_uses_modifiers() {
    let (mut b, _t) = bench(false);
    let t = b.draw(80, 40);
    let buf = t.backend().buffer();
    let m = |line: &str, s: &str| buf[find(buf, line, s)].modifier;
    assert!(m("where", "where").contains(Modifier::BOLD));
    assert!(m("take", "take").contains(Modifier::BOLD));
    assert!(m("where", "\"X\"").contains(Modifier::ITALIC));
    assert!(m("where", "5").contains(Modifier::UNDERLINED));
    assert!(m("// recent", "// recent").contains(Modifier::DIM));
    // a column name stays plain
    assert_eq!(m("where", "ActionType"), Modifier::empty());
    assert_eq!(buf[find(buf, "where", "where")].fg, Color::Reset);
}

#[test]
fn colours_per_kind() {
    let (mut b, _t) = bench(true);
    let t = b.draw(80, 40);
    let buf = t.backend().buffer();
    let fg = |line: &str, s: &str| buf[find(buf, line, s)].fg;
    assert_eq!(fg("where", "where"), Color::Magenta);
    assert_eq!(fg("where", "\"X\""), Color::Green);
    assert_eq!(fg("where", "5"), Color::LightBlue);
    assert_eq!(fg("// recent", "// recent"), Color::DarkGray);
}
