//! The demo shop's customers: ~300 Parisians, with the near-duplicates a model must
//! disambiguate (Dupont, Dupond, Dupont-Martin) and a few regulars with weekday habits.

use rand::Rng;
use rand::seq::IndexedRandom;

use crate::model::Customer;

/// Customer ids the history and the scenarios rely on.
pub const MARIE_DUPONT: u32 = 1;
pub const SYLVIE_DUPOND: u32 = 2;
pub const JEAN_DUPOND: u32 = 3;
pub const CLAIRE_DUPONT_MARTIN: u32 = 4;
pub const PAUL_GIRARD: u32 = 5;
pub const ROSE_LAMBERT: u32 = 6;
/// How many customers the demo shop has.
pub const CUSTOMER_COUNT: u32 = 300;

const FEMALE: &[&str] = &[
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Inès",
    "Julie",
    "Sarah",
    "Emma",
    "Louise",
    "Alice",
    "Anne",
    "Isabelle",
    "Nathalie",
    "Sophie",
    "Céline",
    "Aurélie",
    "Élodie",
    "Hélène",
    "Margaux",
    "Pauline",
    "Lucie",
    "Charlotte",
    "Mathilde",
    "Juliette",
    "Zoé",
    "Valérie",
    "Sandrine",
    "Laure",
    "Agnès",
    "Noémie",
    "Amandine",
    "Fatima",
    "Yasmine",
    "Mei",
    "Ana",
];
const MALE: &[&str] = &[
    "Thomas",
    "Nicolas",
    "Julien",
    "Antoine",
    "Maxime",
    "Alexandre",
    "Pierre",
    "Louis",
    "Hugo",
    "Arthur",
    "Lucas",
    "Mathieu",
    "Romain",
    "Guillaume",
    "Olivier",
    "François",
    "Philippe",
    "Laurent",
    "Sébastien",
    "Vincent",
    "Benoît",
    "Théo",
    "Gabriel",
    "Karim",
    "Mehdi",
    "Yanis",
    "Samuel",
    "Étienne",
    "Raphaël",
    "Victor",
    "Jérôme",
    "David",
    "Omar",
    "Léo",
    "Adrien",
];
const LAST: &[&str] = &[
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefèvre",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
    "Gautier",
    "Masson",
    "Marchand",
    "Duval",
    "Denis",
    "Lemaire",
    "Dumas",
    "Brun",
    "Blanchard",
    "Giraud",
    "Joly",
    "Rivière",
    "Lucas",
    "Brunet",
    "Gaillard",
    "Barbier",
    "Arnaud",
    "Martinez",
    "Gérard",
    "Roche",
    "Renard",
    "Schmitt",
    "Roy",
    "Leroux",
    "Colin",
    "Vidal",
    "Caron",
    "Picard",
    "Nguyen",
    "Benali",
    "Haddad",
    "Da Silva",
    "Lopez",
    "Fontaine",
    "Chevallier",
    "Aubert",
    "Lemoine",
];
const STREETS: &[(&str, &str, &str)] = &[
    ("rue de la Roquette", "75011", "Paris"),
    ("rue Oberkampf", "75011", "Paris"),
    ("boulevard Voltaire", "75011", "Paris"),
    ("rue de Charonne", "75011", "Paris"),
    ("avenue Parmentier", "75011", "Paris"),
    ("rue Saint-Maur", "75011", "Paris"),
    ("rue Amelot", "75011", "Paris"),
    ("rue du Faubourg Saint-Antoine", "75011", "Paris"),
    ("rue de Lappe", "75011", "Paris"),
    ("avenue Ledru-Rollin", "75012", "Paris"),
    ("rue de Charenton", "75012", "Paris"),
    ("boulevard Diderot", "75012", "Paris"),
    ("rue des Pyrénées", "75020", "Paris"),
    ("rue de Bagnolet", "75020", "Paris"),
    ("rue de Ménilmontant", "75020", "Paris"),
    ("rue de Paris", "93100", "Montreuil"),
    ("boulevard Rouget de Lisle", "93100", "Montreuil"),
];
const EMAIL_DOMAINS: &[&str] = &["example.fr", "example.com", "example.net"];

fn ascii(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            ' ' | '\'' => '-',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

fn phone<R: Rng>(rng: &mut R) -> String {
    let prefix = if rng.random_bool(0.7) { "06" } else { "07" };
    format!(
        "{prefix} {:02} {:02} {:02} {:02}",
        rng.random_range(10..99),
        rng.random_range(0..99),
        rng.random_range(0..99),
        rng.random_range(0..99)
    )
}

#[allow(clippy::too_many_arguments)]
fn named(
    id: u32,
    honorific: &str,
    first: &str,
    last: &str,
    company: &str,
    phone: &str,
    street: &str,
    zip: &str,
    created: i64,
) -> Customer {
    Customer {
        id,
        honorific: honorific.to_owned(),
        last_name: last.to_owned(),
        first_name: first.to_owned(),
        company: company.to_owned(),
        email: format!("{}.{}@example.fr", ascii(first), ascii(last)),
        phone: phone.to_owned(),
        address1: street.to_owned(),
        zip: zip.to_owned(),
        city: "Paris".to_owned(),
        country: "FR".to_owned(),
        created,
        ..Customer::default()
    }
}

/// The customers, created before `history_start` (unix seconds).
pub fn customers<R: Rng>(rng: &mut R, history_start: i64) -> Vec<Customer> {
    let day = 86_400;
    let mut out = Vec::with_capacity(CUSTOMER_COUNT as usize);
    let mut marie = named(
        MARIE_DUPONT,
        "Mme",
        "Marie",
        "Dupont",
        "",
        "06 12 34 56 78",
        "12 rue des Lilas",
        "75011",
        history_start - 200 * day,
    );
    marie.address_comment = "Code 4521B, 3e étage".to_owned();
    marie.lat = "48.8593".to_owned();
    marie.lng = "2.3801".to_owned();
    out.push(marie);
    let mut sylvie = named(
        SYLVIE_DUPOND,
        "Mme",
        "Sylvie",
        "Dupond",
        "",
        "06 11 22 33 44",
        "5 avenue Parmentier",
        "75011",
        history_start - 150 * day,
    );
    sylvie.address_comment = "Digicode 1234, interphone Dupond".to_owned();
    out.push(sylvie);
    out.push(named(
        JEAN_DUPOND,
        "M.",
        "Jean",
        "Dupond",
        "",
        "07 45 12 78 90",
        "27 rue de Charonne",
        "75011",
        history_start - 90 * day,
    ));
    let mut claire = named(
        CLAIRE_DUPONT_MARTIN,
        "Mme",
        "Claire",
        "Dupont-Martin",
        "Atelier Martin",
        "01 43 55 66 77",
        "40 rue Oberkampf",
        "75011",
        history_start - 400 * day,
    );
    claire.email = "claire@atelier-martin.example".to_owned();
    claire.vat_number = "FR12345678901".to_owned();
    claire.registration = "RCS Paris 123 456 789".to_owned();
    claire.private_comment = "Plateaux déjeuner le mardi, facture mensuelle".to_owned();
    out.push(claire);
    out.push(named(
        PAUL_GIRARD,
        "M.",
        "Paul",
        "Girard",
        "",
        "06 98 76 54 32",
        "8 rue Saint-Maur",
        "75011",
        history_start - 300 * day,
    ));
    out.push(named(
        ROSE_LAMBERT,
        "Mme",
        "Rose",
        "Lambert",
        "",
        "06 55 44 33 22",
        "3 rue Amelot",
        "75011",
        history_start - 30 * day,
    ));
    for id in (ROSE_LAMBERT + 1)..=CUSTOMER_COUNT {
        let female = rng.random_bool(0.52);
        let first = if female {
            FEMALE.choose(rng)
        } else {
            MALE.choose(rng)
        }
        .copied()
        .unwrap_or("Alex");
        let last = LAST.choose(rng).copied().unwrap_or("Martin");
        let (street, zip, city) =
            STREETS
                .choose(rng)
                .copied()
                .unwrap_or(("rue de la Roquette", "75011", "Paris"));
        let email = if rng.random_bool(0.8) {
            let domain = EMAIL_DOMAINS.choose(rng).copied().unwrap_or("example.fr");
            let suffix = if rng.random_bool(0.3) {
                rng.random_range(1..99).to_string()
            } else {
                String::new()
            };
            format!("{}.{}{suffix}@{domain}", ascii(first), ascii(last))
        } else {
            String::new()
        };
        let company = if rng.random_bool(0.05) {
            let kind = ["Studio", "Cabinet", "Agence", "Librairie"]
                .get(id as usize % 4)
                .copied()
                .unwrap_or("Studio");
            format!("{kind} {last}")
        } else {
            String::new()
        };
        out.push(Customer {
            id,
            honorific: if female { "Mme" } else { "M." }.to_owned(),
            last_name: last.to_owned(),
            first_name: first.to_owned(),
            company,
            email,
            phone: if rng.random_bool(0.85) {
                phone(rng)
            } else {
                String::new()
            },
            address1: format!("{} {street}", rng.random_range(1..120)),
            zip: zip.to_owned(),
            city: city.to_owned(),
            country: "FR".to_owned(),
            barcode: if rng.random_bool(0.4) {
                format!("CLI{id:06}")
            } else {
                String::new()
            },
            created: history_start - rng.random_range(0..700) * day,
            ..Customer::default()
        });
    }
    out
}
