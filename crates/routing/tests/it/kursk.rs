//! The Kursk training-file format: columns found by name, texts across lines,
//! the category column optional, clear errors.

use vmeste_routing::kursk::{KurskError, parse};

#[test]
fn reads_rows_with_quoted_multiline_texts_and_a_bom() {
    let file = "\u{feff}id,Текст Сообщения,Тематика,Ответственное лицо,Категория\n\
        7,\"<p>Яма, \"\"большая\"\"</p>\nвторая строка\",Ямы,Комитет дорог,0\n\
        8,Не горит фонарь,Освещение,,3\n\
        9,,Пустой текст,Кто-то,1\n";
    let rows = parse(file.as_bytes()).expect("parsed");
    assert_eq!(rows.len(), 2, "a row without text teaches nothing");
    assert_eq!(rows[0].id, Some(7));
    assert_eq!(
        rows[0].example.text,
        "<p>Яма, \"большая\"</p>\nвторая строка"
    );
    assert_eq!(
        rows[0].example.organisation.as_deref(),
        Some("Комитет дорог")
    );
    assert_eq!(rows[1].example.organisation, None);
}

#[test]
fn the_category_and_id_columns_may_be_absent_or_elsewhere() {
    let file = "Ответственное лицо,Тематика,Текст Сообщения\nДороги,Ямы,Яма у дома\n";
    let rows = parse(file.as_bytes()).expect("parsed");
    assert_eq!(rows[0].id, None);
    assert_eq!(rows[0].example.topic, "Ямы");
}

#[test]
fn a_missing_column_or_broken_text_is_named() {
    assert_eq!(
        parse("id,Текст Сообщения,Ответственное лицо\n1,a,b\n".as_bytes()),
        Err(KurskError::MissingColumn("Тематика"))
    );
    let mut bytes = "Текст Сообщения,Тематика,Ответственное лицо\n"
        .as_bytes()
        .to_vec();
    bytes.extend_from_slice(b"\xff\xfe,x,y\n");
    assert!(matches!(
        parse(&bytes),
        Err(KurskError::Record { line: 2, .. })
    ));
}
