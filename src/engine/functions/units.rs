//! `convert_angle/energy/force/length/mass/speed/temperature/volume(value, from, to)`.
//!
//! The engine converts through the UnitsNet library: the value goes to the quantity's base unit and from
//! there to the target unit, with UnitsNet's factors — some of them rounded (AcreFoot is `/0.000810714`,
//! [E] convert-volume-function-00). The factors changed between UnitsNet versions, so only units whose
//! factor is an exact definition (SI prefixes, the international foot/inch/yard, the avoirdupois pound,
//! the thermochemical calorie, ...) or is confirmed by a case are accepted; any other unit name, or a unit
//! that is not a constant, is refused at plan time.

use super::util::{const_str, def, real_arg};
use super::{ArgInfo, FnDef, Naming, Prepared};
use crate::engine::value::Value;
use crate::kql::ScalarType;

pub(super) static FUNCTIONS: &[FnDef] = &[
    def("convert_angle", 3, 3, Naming::Default, convert_angle),
    def("convert_energy", 3, 3, Naming::Default, convert_energy),
    def("convert_force", 3, 3, Naming::Default, convert_force),
    def("convert_length", 3, 3, Naming::Default, convert_length),
    def("convert_mass", 3, 3, Naming::Default, convert_mass),
    def("convert_speed", 3, 3, Naming::Default, convert_speed),
    def(
        "convert_temperature",
        3,
        3,
        Naming::Default,
        convert_temperature,
    ),
    def("convert_volume", 3, 3, Naming::Default, convert_volume),
];

/// A unit: how many base units one of it is.
type Unit = (&'static str, f64);

const RAD: f64 = 180.0 / std::f64::consts::PI;

/// Base unit: Degree.
const ANGLE: &[Unit] = &[
    ("Degree", 1.0),
    ("Nanodegree", 1e-9),
    ("Microdegree", 1e-6),
    ("Millidegree", 1e-3),
    ("Radian", RAD),
    ("Nanoradian", RAD * 1e-9),
    ("Microradian", RAD * 1e-6),
    ("Milliradian", RAD * 1e-3),
    ("Centiradian", RAD * 1e-2),
    ("Deciradian", RAD * 1e-1),
    ("Arcminute", 1.0 / 60.0),
    ("Arcsecond", 1.0 / 3600.0),
    ("Gradian", 0.9),
    ("NatoMil", 9.0 / 160.0),
    ("Revolution", 360.0),
];

/// Base unit: Joule.
const ENERGY: &[Unit] = &[
    ("Joule", 1.0),
    ("Millijoule", 1e-3),
    ("Kilojoule", 1e3),
    ("Megajoule", 1e6),
    ("Gigajoule", 1e9),
    // [E] convert-energy-function-00 (the International Table BTU)
    ("BritishThermalUnit", 1055.05585262),
    ("Calorie", 4.184),
    ("Kilocalorie", 4184.0),
    ("WattHour", 3600.0),
    ("KilowattHour", 3.6e6),
    ("MegawattHour", 3.6e9),
    ("GigawattHour", 3.6e12),
];

/// Base unit: Newton.
const FORCE: &[Unit] = &[
    ("Newton", 1.0),
    ("Micronewton", 1e-6),
    ("Millinewton", 1e-3),
    // [E] convert-force-function-00
    ("Decanewton", 10.0),
    ("Kilonewton", 1e3),
    ("Meganewton", 1e6),
    ("Dyn", 1e-5),
];

/// Base unit: Meter.
const LENGTH: &[Unit] = &[
    ("Meter", 1.0),
    ("Nanometer", 1e-9),
    ("Micrometer", 1e-6),
    ("Millimeter", 1e-3),
    ("Centimeter", 1e-2),
    ("Decimeter", 1e-1),
    ("Decameter", 1e1),
    ("Hectometer", 1e2),
    ("Kilometer", 1e3),
    // [E] convert-length-function-00
    ("Foot", 0.3048),
    ("Inch", 0.0254),
    ("Yard", 0.9144),
    ("NauticalMile", 1852.0),
];

/// Base unit: Kilogram.
const MASS: &[Unit] = &[
    ("Kilogram", 1.0),
    ("Gram", 1e-3),
    ("Nanogram", 1e-12),
    ("Microgram", 1e-9),
    ("Milligram", 1e-6),
    ("Centigram", 1e-5),
    ("Decigram", 1e-4),
    ("Decagram", 1e-2),
    ("Hectogram", 1e-1),
    ("Megagram", 1e3),
    ("Tonne", 1e3),
    // [E] convert-mass-function-00
    ("Pound", 0.45359237),
];

/// Base unit: MeterPerSecond.
const SPEED: &[Unit] = &[
    ("MeterPerSecond", 1.0),
    ("MeterPerMinute", 1.0 / 60.0),
    ("MeterPerHour", 1.0 / 3600.0),
    ("KilometerPerSecond", 1e3),
    ("KilometerPerMinute", 1e3 / 60.0),
    ("KilometerPerHour", 1e3 / 3600.0),
    ("CentimeterPerSecond", 1e-2),
    ("CentimeterPerMinute", 1e-2 / 60.0),
    // [E] convert-speed-function-00
    ("CentimeterPerHour", 1e-2 / 3600.0),
    ("MillimeterPerSecond", 1e-3),
    ("MillimeterPerMinute", 1e-3 / 60.0),
    ("MillimeterPerHour", 1e-3 / 3600.0),
    ("MicrometerPerSecond", 1e-6),
    ("NanometerPerSecond", 1e-9),
    ("DecimeterPerSecond", 1e-1),
    ("FootPerSecond", 0.3048),
    ("FootPerMinute", 0.3048 / 60.0),
    ("InchPerSecond", 0.0254),
    ("YardPerSecond", 0.9144),
    ("MilePerHour", 0.44704),
];

/// Base unit: CubicMeter.
const VOLUME: &[Unit] = &[
    ("CubicMeter", 1.0),
    ("HectocubicMeter", 1e2),
    ("KilocubicMeter", 1e3),
    ("CubicKilometer", 1e9),
    ("CubicHectometer", 1e6),
    ("CubicDecimeter", 1e-3),
    ("CubicCentimeter", 1e-6),
    ("CubicMillimeter", 1e-9),
    ("CubicMicrometer", 1e-18),
    ("Liter", 1e-3),
    ("Microliter", 1e-9),
    ("Milliliter", 1e-6),
    ("Centiliter", 1e-5),
    ("Deciliter", 1e-4),
    ("Decaliter", 1e-2),
    ("Hectoliter", 1e-1),
    ("Kiloliter", 1.0),
    ("Megaliter", 1e3),
    // [E] convert-volume-function-00: UnitsNet's rounded factor
    ("AcreFoot", 1.0 / 0.000810714),
    ("MetricCup", 0.00025),
    ("MetricTeaspoon", 0.5e-5),
    ("AuTablespoon", 2e-5),
    ("UkTablespoon", 1.5e-5),
    ("UsLegalCup", 0.00024),
];

fn unit_arg<'a>(
    fname: &str,
    a: &ArgInfo,
    table: &'a [Unit],
    what: &str,
) -> Result<&'a Unit, String> {
    let name = const_str(fname, a, what)?;
    table
        .iter()
        .find(|(n, _)| *n == name)
        .ok_or_else(|| format!("{fname}(): unit '{name}' is not supported"))
}

fn check_value(fname: &str, a: &ArgInfo) -> Result<(), String> {
    if a.ty.is_numeric() || a.ty == ScalarType::Dynamic {
        Ok(())
    } else {
        Err(format!("{fname}() expects a number, got {}", a.ty.name()))
    }
}

fn linear(fname: &str, a: &[ArgInfo], table: &'static [Unit]) -> Result<Prepared, String> {
    check_value(fname, &a[0])?;
    let (_, from) = *unit_arg(fname, &a[1], table, "unit to convert from")?;
    let (_, to) = *unit_arg(fname, &a[2], table, "unit to convert to")?;
    Ok(Prepared::new(ScalarType::Real, move |v| {
        real_arg(&v[0])
            .map(|x| {
                // to the base unit, then from it, as UnitsNet does
                let base = if from == 1.0 { x } else { x * from };
                Value::Real(if to == 1.0 { base } else { base / to })
            })
            .unwrap_or(Value::Null)
    }))
}

fn convert_angle(a: &[ArgInfo]) -> Result<Prepared, String> {
    linear("convert_angle", a, ANGLE)
}
fn convert_energy(a: &[ArgInfo]) -> Result<Prepared, String> {
    linear("convert_energy", a, ENERGY)
}
fn convert_force(a: &[ArgInfo]) -> Result<Prepared, String> {
    linear("convert_force", a, FORCE)
}
fn convert_length(a: &[ArgInfo]) -> Result<Prepared, String> {
    linear("convert_length", a, LENGTH)
}
fn convert_mass(a: &[ArgInfo]) -> Result<Prepared, String> {
    linear("convert_mass", a, MASS)
}
fn convert_speed(a: &[ArgInfo]) -> Result<Prepared, String> {
    linear("convert_speed", a, SPEED)
}
fn convert_volume(a: &[ArgInfo]) -> Result<Prepared, String> {
    linear("convert_volume", a, VOLUME)
}

/// Temperatures: to and from Kelvin (the base unit).
const TEMPERATURE: &[Unit] = &[
    ("Kelvin", 0.0),
    ("DegreeCelsius", 0.0),
    ("DegreeFahrenheit", 0.0),
    ("DegreeRankine", 0.0),
];

fn to_kelvin(unit: &str, x: f64) -> f64 {
    match unit {
        "DegreeCelsius" => x + 273.15,
        "DegreeFahrenheit" => (x + 459.67) * 5.0 / 9.0,
        "DegreeRankine" => x * 5.0 / 9.0,
        _ => x,
    }
}

fn from_kelvin(unit: &str, k: f64) -> f64 {
    match unit {
        "DegreeCelsius" => k - 273.15,
        "DegreeFahrenheit" => k * 9.0 / 5.0 - 459.67,
        "DegreeRankine" => k * 9.0 / 5.0,
        _ => k,
    }
}

/// [E] convert-temperature-function-00.
fn convert_temperature(a: &[ArgInfo]) -> Result<Prepared, String> {
    let fname = "convert_temperature";
    check_value(fname, &a[0])?;
    let (from, _) = *unit_arg(fname, &a[1], TEMPERATURE, "unit to convert from")?;
    let (to, _) = *unit_arg(fname, &a[2], TEMPERATURE, "unit to convert to")?;
    Ok(Prepared::new(ScalarType::Real, move |v| {
        real_arg(&v[0])
            .map(|x| Value::Real(from_kelvin(to, to_kelvin(from, x))))
            .unwrap_or(Value::Null)
    }))
}

#[cfg(test)]
mod tests {
    use super::super::call_const;
    use super::*;

    fn conv(f: &str, x: f64, from: &str, to: &str) -> f64 {
        let s = |t: &str| Value::String(t.into());
        match call_const(f, &[Value::Real(x), s(from), s(to)]) {
            Ok(Value::Real(r)) => r,
            other => panic!("{f}: {other:?}"),
        }
    }
    fn near(got: f64, want: f64) {
        assert!(
            (got - want).abs() <= 1e-12 * want.abs().max(1.0),
            "{got} vs {want}"
        );
    }

    #[test]
    fn the_engine_cases() {
        // [E] convert-*-function-00
        near(conv("convert_angle", 1.2, "Degree", "Arcminute"), 72.0);
        near(
            conv("convert_energy", 1.2, "Joule", "BritishThermalUnit"),
            0.0011373805443759806,
        );
        near(conv("convert_force", 1.2, "Newton", "Decanewton"), 0.12);
        near(
            conv("convert_length", 1.2, "Meter", "Foot"),
            3.9370078740157477,
        );
        near(
            conv("convert_mass", 1.2, "Kilogram", "Pound"),
            2.6455471462185307,
        );
        near(
            conv("convert_speed", 1.2, "MeterPerSecond", "CentimeterPerHour"),
            432000.0,
        );
        near(
            conv("convert_temperature", 1.2, "Kelvin", "DegreeCelsius"),
            -271.95,
        );
        near(
            conv("convert_volume", 1.2, "CubicMeter", "AcreFoot"),
            0.0009728568,
        );
    }

    #[test]
    fn exact_definitions() {
        near(conv("convert_length", 1.0, "Yard", "Centimeter"), 91.44);
        // UnitsNet rounds some factors (the mile, the kilogram-force): not accepted
        assert!(
            call_const(
                "convert_length",
                &[
                    Value::Real(1.0),
                    Value::String("Mile".into()),
                    Value::String("Meter".into())
                ]
            )
            .is_err()
        );
        near(
            conv(
                "convert_temperature",
                212.0,
                "DegreeFahrenheit",
                "DegreeCelsius",
            ),
            100.0,
        );
        near(
            conv("convert_angle", 1.0, "Revolution", "Radian"),
            2.0 * std::f64::consts::PI,
        );
        let s = |t: &str| Value::String(t.into());
        assert!(
            call_const(
                "convert_volume",
                &[Value::Real(1.0), s("CubicFoot"), s("Liter")]
            )
            .is_err()
        );
    }
}
