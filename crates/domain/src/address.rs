//! Addresses as residents type them and as registers keep them differ in
//! case, punctuation and abbreviations («улица Ленина, дом 10» against
//! «ул. Ленина, 10»); folding both to one key lets them meet.

/// The key an address is matched by.
pub fn fold(address: &str) -> String {
    let lower = address.to_lowercase().replace('ё', "е");
    let tokens: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    let mut out: Vec<&str> = Vec::with_capacity(tokens.len());
    for (i, token) in tokens.iter().enumerate() {
        let next_is_number = tokens
            .get(i + 1)
            .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()));
        let word = match *token {
            "улица" => "ул",
            "проспект" | "просп" => "пр",
            "переулок" => "пер",
            "площадь" => "пл",
            "бульвар" => "б",
            "шоссе" => "ш",
            "поселок" | "п" => "пос",
            "село" => "с",
            "деревня" => "д",
            // «д. 10», «дом 10», «корпус 2» and «кв.» add nothing to the house.
            "д" | "дом" if next_is_number => continue,
            "корп" | "корпус" | "к" if next_is_number => "к",
            "р" if out.last() == Some(&"б") => continue,
            other => other,
        };
        out.push(word);
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn typed_and_registered_forms_meet() {
        assert_eq!(fold("улица Ленина, дом 10"), fold("ул. Ленина, 10"));
        assert_eq!(fold("Ул. Лёнина д.10"), "ул ленина 10");
        assert_eq!(fold("б-р Победы, 3"), fold("бульвар Победы, д. 3"));
        assert_eq!(
            fold("посёлок Заречный, ул. Мира, 3"),
            fold("пос. Заречный, улица Мира, д 3")
        );
        assert_ne!(fold("ул. Ленина, 10"), fold("ул. Ленина, 12"));
        // A village «д.» before a name stays: it is not a house number.
        assert_eq!(
            fold("д. Ольховка, ул. Полевая, 5"),
            "д ольховка ул полевая 5"
        );
    }
}
