//! The demo shop's reference data: "Café des Lilas", a café-bakery-restaurant in Paris 11e
//! with delivery, takeaway and a small flower corner.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::model::*;

/// VAT rate ids.
pub const VAT_REDUCED: u32 = 1;
pub const VAT_INTERMEDIATE: u32 = 2;
pub const VAT_NORMAL: u32 = 3;

/// Department ids.
pub const D_HOT: u32 = 1;
pub const D_COLD: u32 = 2;
pub const D_VIENNOISERIE: u32 = 3;
pub const D_BREAD: u32 = 4;
pub const D_PASTRY: u32 = 5;
pub const D_SANDWICH: u32 = 6;
pub const D_DISH: u32 = 7;
pub const D_DESSERT: u32 = 8;
pub const D_BAR: u32 = 9;
pub const D_FLOWERS: u32 = 10;
pub const D_GROCERY: u32 = 11;

/// Variation ids.
const V_SIZE: u32 = 1;
const V_MILK: u32 = 2;
const V_SYRUP: u32 = 3;
const V_WRAP: u32 = 4;

/// Payment mode ids.
pub const PM_CASH: u32 = 1;
pub const PM_CARD: u32 = 2;
pub const PM_CHEQUE: u32 = 3;
pub const PM_MEAL_VOUCHER: u32 = 4;
pub const PM_TRANSFER: u32 = 5;
pub const PM_CASH_REFUND: u32 = 6;
pub const PM_CARD_REFUND: u32 = 7;

/// User ids.
pub const U_MANAGER: u32 = 1;
pub const U_WAITER: u32 = 2;
pub const U_BARISTA: u32 = 3;
pub const U_BAKER: u32 = 4;
pub const U_WEBSERVICE: u32 = 5;

struct P {
    dept: u32,
    title: &'static str,
    price: Cents,
    stock: Option<(i64, i64)>,
    variations: &'static [u32],
}

const fn p(dept: u32, title: &'static str, price: Cents) -> P {
    P {
        dept,
        title,
        price,
        stock: None,
        variations: &[],
    }
}

const fn ps(dept: u32, title: &'static str, price: Cents, stock: i64, alert: i64) -> P {
    P {
        dept,
        title,
        price,
        stock: Some((stock, alert)),
        variations: &[],
    }
}

const fn pv(dept: u32, title: &'static str, price: Cents, variations: &'static [u32]) -> P {
    P {
        dept,
        title,
        price,
        stock: None,
        variations,
    }
}

const fn psv(
    dept: u32,
    title: &'static str,
    price: Cents,
    stock: i64,
    alert: i64,
    variations: &'static [u32],
) -> P {
    P {
        dept,
        title,
        price,
        stock: Some((stock, alert)),
        variations,
    }
}

const PRODUCTS: &[P] = &[
    // Boissons chaudes
    pv(D_HOT, "Café", 120, &[V_SIZE]),
    pv(D_HOT, "Café allongé", 150, &[V_SIZE]),
    p(D_HOT, "Double expresso", 240),
    p(D_HOT, "Noisette", 160),
    pv(D_HOT, "Café crème", 280, &[V_SIZE, V_MILK]),
    pv(D_HOT, "Cappuccino", 380, &[V_SIZE, V_MILK, V_SYRUP]),
    pv(D_HOT, "Latte macchiato", 420, &[V_SIZE, V_MILK, V_SYRUP]),
    p(D_HOT, "Café viennois", 450),
    pv(D_HOT, "Chocolat chaud", 380, &[V_SIZE, V_MILK]),
    p(D_HOT, "Thé Earl Grey", 300),
    p(D_HOT, "Thé vert jasmin", 300),
    p(D_HOT, "Infusion verveine", 300),
    pv(D_HOT, "Chaï latte", 450, &[V_MILK]),
    pv(D_HOT, "Matcha latte", 480, &[V_MILK]),
    // Boissons fraîches
    p(D_COLD, "Jus d'orange pressé", 450),
    ps(D_COLD, "Limonade artisanale", 380, 48, 12),
    ps(D_COLD, "Coca-Cola 33 cl", 300, 96, 24),
    ps(D_COLD, "Eau minérale 50 cl", 200, 120, 24),
    ps(D_COLD, "Eau pétillante 50 cl", 220, 80, 24),
    p(D_COLD, "Thé glacé maison", 390),
    p(D_COLD, "Smoothie fruits rouges", 550),
    pv(D_COLD, "Ice latte", 450, &[V_MILK, V_SYRUP]),
    ps(D_COLD, "Jus de pomme bio", 350, 36, 12),
    ps(D_COLD, "Orangina", 300, 60, 24),
    // Viennoiseries
    ps(D_VIENNOISERIE, "Croissant", 120, 38, 20),
    ps(D_VIENNOISERIE, "Pain au chocolat", 130, 12, 20),
    ps(D_VIENNOISERIE, "Pain aux raisins", 150, 18, 10),
    ps(D_VIENNOISERIE, "Chausson aux pommes", 180, 15, 8),
    ps(D_VIENNOISERIE, "Croissant aux amandes", 240, 9, 6),
    ps(D_VIENNOISERIE, "Brioche", 220, 10, 5),
    ps(D_VIENNOISERIE, "Chouquettes (les 10)", 300, 14, 5),
    ps(D_VIENNOISERIE, "Pain suisse", 200, 11, 6),
    ps(D_VIENNOISERIE, "Kouign-amann", 280, 6, 4),
    ps(D_VIENNOISERIE, "Cookie", 250, 22, 10),
    ps(D_VIENNOISERIE, "Croissant jambon-fromage", 390, 8, 5),
    // Pains
    ps(D_BREAD, "Baguette tradition", 130, 64, 20),
    ps(D_BREAD, "Baguette", 110, 40, 20),
    ps(D_BREAD, "Pain de campagne", 380, 12, 5),
    ps(D_BREAD, "Pain complet", 350, 10, 5),
    ps(D_BREAD, "Pain aux céréales", 390, 9, 5),
    ps(D_BREAD, "Ficelle", 90, 15, 5),
    ps(D_BREAD, "Pain de seigle", 400, 4, 5),
    ps(D_BREAD, "Fougasse aux olives", 420, 6, 3),
    ps(D_BREAD, "Demi-baguette", 70, 20, 10),
    ps(D_BREAD, "Pain de mie", 320, 8, 4),
    // Pâtisseries
    ps(D_PASTRY, "Éclair au chocolat", 380, 16, 6),
    ps(D_PASTRY, "Éclair au café", 380, 12, 6),
    ps(D_PASTRY, "Tarte au citron", 420, 10, 4),
    ps(D_PASTRY, "Paris-Brest", 480, 6, 3),
    ps(D_PASTRY, "Mille-feuille", 450, 8, 4),
    ps(D_PASTRY, "Flan pâtissier", 320, 12, 5),
    ps(D_PASTRY, "Tarte aux fraises", 490, 3, 4),
    ps(D_PASTRY, "Macaron", 180, 60, 20),
    ps(D_PASTRY, "Religieuse au chocolat", 420, 7, 3),
    ps(D_PASTRY, "Opéra", 480, 5, 3),
    ps(D_PASTRY, "Fraisier", 520, 4, 2),
    ps(D_PASTRY, "Saint-Honoré", 550, 2, 2),
    // Sandwichs & snacking
    ps(D_SANDWICH, "Jambon-beurre", 550, 20, 8),
    ps(D_SANDWICH, "Poulet crudités", 690, 14, 6),
    ps(D_SANDWICH, "Thon mayonnaise", 650, 10, 5),
    ps(D_SANDWICH, "Sandwich végétarien", 650, 9, 5),
    p(D_SANDWICH, "Croque-monsieur", 750),
    p(D_SANDWICH, "Quiche lorraine", 690),
    p(D_SANDWICH, "Bagel saumon", 890),
    p(D_SANDWICH, "Wrap falafel", 750),
    p(D_SANDWICH, "Panini mozzarella", 720),
    p(D_SANDWICH, "Salade César", 1150),
    p(D_SANDWICH, "Tartine avocat", 950),
    // Plats du jour
    p(D_DISH, "Plat du jour", 1450),
    p(D_DISH, "Soupe du jour", 690),
    p(D_DISH, "Lasagnes maison", 1390),
    p(D_DISH, "Bœuf bourguignon", 1690),
    p(D_DISH, "Risotto aux champignons", 1490),
    p(D_DISH, "Poke bowl saumon", 1390),
    p(D_DISH, "Salade niçoise", 1290),
    p(D_DISH, "Œufs brouillés", 890),
    p(D_DISH, "Brunch complet", 2450),
    p(D_DISH, "Formule déjeuner", 1590),
    // Desserts
    p(D_DESSERT, "Mousse au chocolat", 550),
    p(D_DESSERT, "Crème brûlée", 600),
    p(D_DESSERT, "Salade de fruits frais", 550),
    p(D_DESSERT, "Fromage blanc au miel", 490),
    p(D_DESSERT, "Glace deux boules", 500),
    p(D_DESSERT, "Tiramisu", 650),
    p(D_DESSERT, "Riz au lait", 450),
    p(D_DESSERT, "Café gourmand", 890),
    // Bar
    p(D_BAR, "Verre de vin rouge", 550),
    p(D_BAR, "Verre de vin blanc", 550),
    p(D_BAR, "Coupe de champagne", 1200),
    p(D_BAR, "Bière pression 25 cl", 450),
    p(D_BAR, "Spritz", 850),
    p(D_BAR, "Kir", 500),
    p(D_BAR, "Cidre brut", 480),
    // Fleurs
    psv(D_FLOWERS, "Rose rouge", 350, 120, 30, &[V_WRAP]),
    psv(D_FLOWERS, "Rose blanche", 350, 60, 20, &[V_WRAP]),
    psv(D_FLOWERS, "Tulipe", 250, 5, 10, &[V_WRAP]),
    ps(D_FLOWERS, "Pivoine", 600, 25, 10),
    psv(D_FLOWERS, "Bouquet du marché", 2500, 8, 3, &[V_WRAP]),
    psv(D_FLOWERS, "Bouquet de saison", 3500, 5, 2, &[V_WRAP]),
    ps(D_FLOWERS, "Orchidée en pot", 2900, 6, 2),
    ps(D_FLOWERS, "Lys", 450, 30, 10),
    ps(D_FLOWERS, "Gerbera", 300, 40, 10),
    ps(D_FLOWERS, "Tournesol", 400, 18, 10),
    ps(D_FLOWERS, "Composition florale", 4500, 3, 1),
    ps(D_FLOWERS, "Plante verte", 1900, 7, 3),
    // Épicerie fine
    ps(D_GROCERY, "Confiture maison", 690, 14, 5),
    ps(D_GROCERY, "Miel de Paris", 1290, 2, 5),
    ps(D_GROCERY, "Granola maison", 890, 9, 4),
    ps(D_GROCERY, "Café en grains 250 g", 990, 20, 6),
    ps(D_GROCERY, "Thé en vrac 100 g", 850, 12, 4),
    ps(D_GROCERY, "Sablés bretons", 590, 16, 6),
    ps(D_GROCERY, "Tablette chocolat noir", 490, 25, 8),
    ps(D_GROCERY, "Huile d'olive 50 cl", 1490, 8, 3),
];

fn s(x: &str) -> String {
    x.to_owned()
}

/// The shop's reference data (everything but customers and orders).
pub fn reference_data(shop: &mut ShopData) {
    shop.default_vat = VAT_NORMAL;
    shop.vat_rates = vec![
        VatRate {
            id: VAT_REDUCED,
            title: s("TVA 5,5 %"),
            rate: 550,
            accounting_chapter: s("445711"),
            legal: s("Taux réduit"),
        },
        VatRate {
            id: VAT_INTERMEDIATE,
            title: s("TVA 10 %"),
            rate: 1000,
            accounting_chapter: s("445712"),
            legal: s("Taux intermédiaire"),
        },
        VatRate {
            id: VAT_NORMAL,
            title: s("TVA 20 %"),
            rate: 2000,
            accounting_chapter: s("445713"),
            legal: s("Taux normal"),
        },
    ];
    shop.groups = [
        (1, "Café & bar", "7071"),
        (2, "Boulangerie & restaurant", "7072"),
        (3, "Fleurs & épicerie", "7073"),
    ]
    .into_iter()
    .map(|(id, title, chapter)| DepartmentGroup {
        id,
        title: s(title),
        position: i64::from(id),
        accounting_chapter: s(chapter),
        accounting_chapter_complement: String::new(),
    })
    .collect();
    /// id, title, short title, VAT, eat-in VAT, group.
    type Dept<'a> = (u32, &'a str, &'a str, u32, Option<u32>, u32);
    let depts: [Dept<'_>; 11] = [
        (
            D_HOT,
            "Boissons chaudes",
            "Chaud",
            VAT_INTERMEDIATE,
            None,
            1,
        ),
        (
            D_COLD,
            "Boissons fraîches",
            "Frais",
            VAT_REDUCED,
            Some(VAT_INTERMEDIATE),
            1,
        ),
        (
            D_VIENNOISERIE,
            "Viennoiseries",
            "Viennois.",
            VAT_REDUCED,
            Some(VAT_INTERMEDIATE),
            2,
        ),
        (
            D_BREAD,
            "Pains",
            "Pains",
            VAT_REDUCED,
            Some(VAT_INTERMEDIATE),
            2,
        ),
        (
            D_PASTRY,
            "Pâtisseries",
            "Pâtiss.",
            VAT_REDUCED,
            Some(VAT_INTERMEDIATE),
            2,
        ),
        (
            D_SANDWICH,
            "Sandwichs & snacking",
            "Snack",
            VAT_INTERMEDIATE,
            None,
            2,
        ),
        (D_DISH, "Plats du jour", "Plats", VAT_INTERMEDIATE, None, 2),
        (
            D_DESSERT,
            "Desserts",
            "Desserts",
            VAT_REDUCED,
            Some(VAT_INTERMEDIATE),
            2,
        ),
        (D_BAR, "Bar", "Bar", VAT_NORMAL, None, 1),
        (D_FLOWERS, "Fleurs", "Fleurs", VAT_NORMAL, None, 3),
        (D_GROCERY, "Épicerie fine", "Épicerie", VAT_REDUCED, None, 3),
    ];
    shop.departments = depts
        .into_iter()
        .map(|(id, title, short, vat, eat_in, group)| Department {
            id,
            title: s(title),
            short_title: s(short),
            price: 0,
            stock: None,
            vat: Some(vat),
            eat_in_vat: eat_in,
            group: Some(group),
            variations: Vec::new(),
            position: i64::from(id),
            keyboard_hidden: false,
            shop_hidden: false,
            extra: BTreeMap::new(),
        })
        .collect();
    shop.variations = vec![
        variation(V_SIZE, "Taille", &[(11, "Normal", 0), (12, "Grand", 80)]),
        variation(
            V_MILK,
            "Lait",
            &[
                (21, "Lait entier", 0),
                (22, "Lait d'avoine", 40),
                (23, "Lait de soja", 40),
                (24, "Sans lactose", 30),
            ],
        ),
        variation(
            V_SYRUP,
            "Sirop",
            &[
                (31, "Vanille", 50),
                (32, "Caramel", 50),
                (33, "Noisette", 50),
            ],
        ),
        variation(
            V_WRAP,
            "Emballage",
            &[
                (41, "Sans emballage", 0),
                (42, "Papier kraft", 150),
                (43, "Emballage cadeau", 300),
            ],
        ),
    ];
    let mut position_in_dept: BTreeMap<u32, i64> = BTreeMap::new();
    shop.products = PRODUCTS
        .iter()
        .zip(1u32..)
        .map(|(def, id)| {
            let pos = position_in_dept.entry(def.dept).or_default();
            *pos += 1;
            let grocery_or_bottle = matches!(def.dept, D_GROCERY | D_COLD) && def.stock.is_some();
            Product {
                id,
                title: Arc::from(def.title),
                short_title: short(def.title),
                description: String::new(),
                price: def.price,
                buying_price: Some(def.price * 3 / 10),
                department: def.dept,
                // A few products carry their own rate; the others inherit their
                // department's (the POS's product → department → shop rule).
                vat: match def.title {
                    "Coupe de champagne" => Some(VAT_NORMAL),
                    "Café en grains 250 g" => Some(VAT_REDUCED),
                    _ => None,
                },
                eat_in_vat: None,
                barcode: if grocery_or_bottle {
                    format!("376001{:07}", id)
                } else {
                    String::new()
                },
                stock: def.stock.map(|(st, _)| st * UNIT),
                stock_alert: def.stock.map(|(_, al)| al * UNIT),
                variations: def.variations.to_vec(),
                discount: None,
                internal_id: format!("CDL-{id:03}"),
                keyboard_hidden: false,
                shop_hidden: def.dept == D_BAR,
                needs_preparation: matches!(def.dept, D_HOT | D_DISH | D_SANDWICH),
                position: *pos,
                extra: BTreeMap::new(),
            }
        })
        .collect();
    shop.payment_modes = vec![
        pm(PM_CASH, "Espèces", "Cash", "530", None),
        pm(PM_CARD, "Carte bancaire", "Credit_Card", "5112", None),
        pm(PM_CHEQUE, "Chèque", "Check", "5113", None),
        pm(
            PM_MEAL_VOUCHER,
            "Ticket restaurant",
            "Meal_Voucher",
            "5114",
            Some(2500),
        ),
        pm(PM_TRANSFER, "Virement", "Bank_Transfer", "512", None),
        pm(
            PM_CASH_REFUND,
            "Remboursement espèces",
            "Cash_Refund",
            "530",
            None,
        ),
        pm(
            PM_CARD_REFUND,
            "Remboursement carte",
            "Credit_Card_Refund",
            "5112",
            None,
        ),
    ];
    shop.cashboxes = vec![
        Cashbox {
            id: 1,
            title: s("Comptoir"),
        },
        Cashbox {
            id: 2,
            title: s("Salle"),
        },
        Cashbox {
            id: 3,
            title: s("Terrasse"),
        },
    ];
    // Numbered as the staff say them: room 1–12, mezzanine 20–23, terrace 80–88.
    let mut tables = Vec::new();
    let rooms: [(&str, std::ops::RangeInclusive<u32>); 3] = [
        ("Salle", 1..=12),
        ("Mezzanine", 20..=23),
        ("Terrasse", 80..=88),
    ];
    for (room, numbers) in rooms {
        for n in numbers {
            let id = u32::try_from(tables.len()).unwrap_or(0) + 1;
            tables.push(Table {
                id,
                name: n.to_string(),
                room: s(room),
                seats: if n % 3 == 0 { 4 } else { 2 },
            });
        }
    }
    shop.tables = tables;
    shop.users = vec![
        user(
            U_MANAGER,
            "Martin",
            "Sophie",
            "Gérante",
            "sophie@cafe-des-lilas.example",
        ),
        user(U_WAITER, "Leroy", "Hugo", "Serveur", ""),
        user(U_BARISTA, "Petit", "Emma", "Barista", ""),
        user(U_BAKER, "Moreau", "Lucas", "Boulanger", ""),
        user(U_WEBSERVICE, "webservice", "", "API", ""),
    ];
    shop.delivery_men = vec![
        DeliveryMan {
            id: 1,
            last_name: s("Benali"),
            first_name: s("Karim"),
            phone: s("06 22 33 44 55"),
            active: true,
        },
        DeliveryMan {
            id: 2,
            last_name: s("Rossi"),
            first_name: s("Lucia"),
            phone: s("06 33 44 55 66"),
            active: true,
        },
        DeliveryMan {
            id: 3,
            last_name: s("Bernard"),
            first_name: s("Tom"),
            phone: s("07 11 22 33 44"),
            active: false,
        },
    ];
    shop.delivery_zones = vec![
        DeliveryZone {
            id: 1,
            title: s("Paris 11e"),
            postcodes: vec![s("75011")],
            fee: 250,
            minimum: 1500,
            delay_minutes: 30,
        },
        DeliveryZone {
            id: 2,
            title: s("Paris 12e / 20e"),
            postcodes: vec![s("75012"), s("75020")],
            fee: 390,
            minimum: 2000,
            delay_minutes: 45,
        },
        DeliveryZone {
            id: 3,
            title: s("Montreuil"),
            postcodes: vec![s("93100")],
            fee: 490,
            minimum: 3000,
            delay_minutes: 50,
        },
    ];
    shop.relay_points = vec![
        RelayPoint {
            id: 1,
            title: s("Tabac de la Roquette"),
            address: s("84 rue de la Roquette"),
            zip: s("75011"),
            city: s("Paris"),
            hours: s("7h-20h"),
        },
        RelayPoint {
            id: 2,
            title: s("Librairie Voltaire"),
            address: s("12 boulevard Voltaire"),
            zip: s("75011"),
            city: s("Paris"),
            hours: s("10h-19h, fermé le lundi"),
        },
    ];
    shop.discounts = vec![
        Discount {
            id: 1,
            title: s("Fidélité -10 %"),
            kind: s("percent"),
            value: 1000,
            code: String::new(),
        },
        Discount {
            id: 2,
            title: s("Formule étudiant"),
            kind: s("amount"),
            value: 150,
            code: s("ETU"),
        },
        Discount {
            id: 3,
            title: s("Happy hour -20 %"),
            kind: s("percent"),
            value: 2000,
            code: s("HAPPY"),
        },
    ];
    let n_products = u32::try_from(shop.products.len()).unwrap_or(0);
    shop.next_ids.product = n_products + 1;
    shop.next_ids.department = 12;
    shop.next_ids.group = 4;
    shop.next_ids.variation = 5;
    shop.next_ids.choice = 50;
    shop.next_ids.vat = 4;
    shop.next_ids.payment_mode = 8;
    shop.next_ids.user = 6;
}

fn short(title: &str) -> String {
    title.chars().take(12).collect::<String>().trim().to_owned()
}

fn variation(id: u32, title: &str, choices: &[(u32, &str, Cents)]) -> Variation {
    Variation {
        id,
        title: s(title),
        choices: choices
            .iter()
            .zip(1i64..)
            .map(|(&(cid, t, delta), pos)| VariationChoice {
                id: cid,
                title: s(t),
                delta,
                position: pos,
                unavailable: false,
                description: String::new(),
                ending: String::new(),
            })
            .collect(),
    }
}

fn pm(id: u32, title: &str, kind: &str, chapter: &str, max: Option<Cents>) -> PaymentMode {
    PaymentMode {
        id,
        title: s(title),
        kind: s(kind),
        accounting_chapter: s(chapter),
        fixed_amount: None,
        minimum_amount: None,
        maximum_amount: max,
        cashbox_lock: 0,
    }
}

fn user(id: u32, last: &str, first: &str, profile: &str, email: &str) -> User {
    User {
        id,
        last_name: s(last),
        first_name: s(first),
        profile: s(profile),
        email: s(email),
    }
}

/// Product ids by department, for the history generator.
pub fn products_in(shop: &ShopData, dept: u32) -> Vec<u32> {
    shop.products
        .iter()
        .filter(|p| p.department == dept)
        .map(|p| p.id)
        .collect()
}
