//! Expected values are the real engine's answers from `kusto_emulator_doc_cases.jsonl` (case ids cited).

use serde_json::{Value as J, json};

use super::FUNCTIONS;
use crate::engine::functions::{ArgInfo, prepare};
use crate::engine::value::Value;
use crate::kql::ScalarType;

fn call(name: &str, args: &[Value]) -> Value {
    let def = FUNCTIONS
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no {name}"));
    let infos: Vec<ArgInfo> = args
        .iter()
        .map(|v| ArgInfo::constant(v.clone(), v.scalar_type().unwrap_or(ScalarType::Dynamic)))
        .collect();
    let p = prepare(def, &infos).unwrap_or_else(|e| panic!("{name}: {e}"));
    (p.eval)(args)
}

fn s(x: &str) -> Value {
    Value::String(x.to_string())
}
fn r(x: f64) -> Value {
    Value::Real(x)
}
fn l(x: i64) -> Value {
    Value::Long(x)
}
fn d(j: J) -> Value {
    Value::Dynamic(j)
}

/// JSON equality with numbers within 1e-9 relative (the conformance runner's tolerance).
fn close(a: &J, b: &J) -> bool {
    match (a, b) {
        (J::Number(x), J::Number(y)) => {
            let (x, y) = (
                x.as_f64().unwrap_or(f64::NAN),
                y.as_f64().unwrap_or(f64::NAN),
            );
            (x - y).abs() <= 1e-9 * 1f64.max(x.abs()).max(y.abs())
        }
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| close(a, b))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| close(v, w)))
        }
        _ => a == b,
    }
}

#[track_caller]
fn assert_json(got: Value, want: J) {
    let g = match &got {
        Value::Dynamic(j) => j.clone(),
        other => other.to_json(),
    };
    assert!(close(&g, &want), "got {g}\nwant {want}");
}

#[track_caller]
fn assert_real(got: Value, want: f64) {
    assert_json(got, json!(want));
}

// ---------------------------------------------------------------------------------------------------------
// H3

#[test]
fn h3_point_to_cell() {
    // geo-point-to-h3cell-function-00, -01
    assert_eq!(
        call(
            "geo_point_to_h3cell",
            &[r(-74.04450446039874), r(40.689250859314974), l(6)]
        ),
        s("862a1072fffffff")
    );
    assert_eq!(
        call("geo_point_to_h3cell", &[r(-73.956683), r(40.807907), l(5)]),
        s("852a100bfffffff")
    );
    assert_eq!(
        call("geo_point_to_h3cell", &[r(-73.989148), r(40.743273), l(5)]),
        s("852a1073fffffff")
    );
    // -02, -03, -04: invalid coordinate, resolution, null resolution
    assert_eq!(call("geo_point_to_h3cell", &[l(300), l(1), l(8)]), s(""));
    assert_eq!(call("geo_point_to_h3cell", &[l(1), l(1), l(16)]), s(""));
    assert_eq!(
        call("geo_point_to_h3cell", &[l(1), l(1), Value::Null]),
        s("")
    );
}

#[test]
fn h3_level_parent_children() {
    // geo-h3cell-level-function-00, -01, -02
    assert_eq!(
        call("geo_h3cell_level", &[s("862a1072fffffff")]),
        Value::Int(6)
    );
    let c10 = call("geo_point_to_h3cell", &[l(1), l(1), l(10)]);
    assert_eq!(
        call("geo_h3cell_level", std::slice::from_ref(&c10)),
        Value::Int(10)
    );
    assert_eq!(call("geo_h3cell_level", &[s("abc")]), Value::Null);
    // geo-h3cell-parent-function-00 .. -06
    assert_eq!(
        call("geo_h3cell_parent", &[s("862a1072fffffff")]),
        s("852a1073fffffff")
    );
    assert_eq!(
        call("geo_h3cell_parent", &[s("862a1072fffffff"), l(1)]),
        s("812a3ffffffffff")
    );
    let p = call("geo_h3cell_parent", std::slice::from_ref(&c10));
    assert_eq!(call("geo_h3cell_level", &[p]), Value::Int(9));
    let p = call("geo_h3cell_parent", &[c10, l(3)]);
    assert_eq!(call("geo_h3cell_level", &[p]), Value::Int(3));
    assert_eq!(call("geo_h3cell_parent", &[s("123")]), s(""));
    assert_eq!(
        call("geo_h3cell_parent", &[s("862a1072fffffff"), l(100)]),
        s("")
    );
    assert_eq!(
        call("geo_h3cell_parent", &[s("862a1072fffffff"), l(15)]),
        s("")
    );
    // geo-h3cell-children-function-00, -01, -03, -04
    assert_json(
        call("geo_h3cell_children", &[s("862a1072fffffff")]),
        json!([
            "872a10728ffffff",
            "872a10729ffffff",
            "872a1072affffff",
            "872a1072bffffff",
            "872a1072cffffff",
            "872a1072dffffff",
            "872a1072effffff"
        ]),
    );
    match call("geo_h3cell_children", &[s("862a1072fffffff"), l(9)]) {
        Value::Dynamic(J::Array(a)) => assert_eq!(a.len(), 343),
        other => panic!("{other:?}"),
    }
    assert_eq!(call("geo_h3cell_children", &[s("abc")]), Value::Null);
    let c9 = call("geo_point_to_h3cell", &[l(1), l(1), l(9)]);
    assert_eq!(call("geo_h3cell_children", &[c9, l(15)]), Value::Null);
}

#[test]
fn h3_rings() {
    // geo-h3cell-rings-function-00, -04, -05
    assert_json(
        call("geo_h3cell_rings", &[s("861f8894fffffff"), l(2)]),
        json!([
            ["861f8894fffffff"],
            [
                "861f88947ffffff",
                "861f8895fffffff",
                "861f88867ffffff",
                "861f8d497ffffff",
                "861f8d4b7ffffff",
                "861f8896fffffff"
            ],
            [
                "861f88967ffffff",
                "861f88977ffffff",
                "861f88957ffffff",
                "861f8882fffffff",
                "861f88877ffffff",
                "861f88847ffffff",
                "861f8886fffffff",
                "861f8d49fffffff",
                "861f8d487ffffff",
                "861f8d4a7ffffff",
                "861f8d59fffffff",
                "861f8d597ffffff"
            ]
        ]),
    );
    assert_eq!(call("geo_h3cell_rings", &[s("abc"), l(3)]), Value::Null);
    assert_eq!(
        call("geo_h3cell_rings", &[s("861f8894fffffff"), l(150)]),
        Value::Null
    );
}

#[test]
fn h3_shapes() {
    // geo-h3cell-to-central-point-function-00, -02
    assert_json(
        call("geo_h3cell_to_central_point", &[s("862a1072fffffff")]),
        json!({"type": "Point", "coordinates": [-74.01600847979243, 40.704167908350385]}),
    );
    assert_eq!(call("geo_h3cell_to_central_point", &[s("1")]), Value::Null);
    // geo-h3cell-to-polygon-function-00, -02
    assert_json(
        call("geo_h3cell_to_polygon", &[s("862a1072fffffff")]),
        json!({"type": "Polygon", "coordinates": [[[-74.0022744646159, 40.73537602621501],
            [-74.04690802968624, 40.72798622248911], [-74.06061071222366, 40.69677514034901],
            [-74.02972440815668, 40.672970047595456], [-73.98514098370819, 40.680349049267576],
            [-73.97139376102862, 40.71154393543933], [-74.0022744646159, 40.73537602621501]]]}),
    );
    assert_eq!(call("geo_h3cell_to_polygon", &[s("@")]), Value::Null);
}

// ---------------------------------------------------------------------------------------------------------
// geohash

#[test]
fn geohash() {
    // geo-point-to-geohash-function-01 .. -04
    assert_eq!(
        call("geo_point_to_geohash", &[r(-80.195829), r(25.802215), l(8)]),
        s("dhwfz15h")
    );
    assert_eq!(
        call("geo_point_to_geohash", &[r(-122.303404), r(47.570482)]),
        s("c23n8")
    );
    assert_eq!(
        call("geo_point_to_geohash", &[r(-122.278156), r(47.566936)]),
        s("c23n9")
    );
    assert_eq!(call("geo_point_to_geohash", &[l(200), l(1), l(8)]), s(""));
    assert_eq!(
        call("geo_point_to_geohash", &[l(1), l(1), Value::Null]),
        s("")
    );
    // geo-geohash-to-central-point-function-00, -01, -02
    assert_json(
        call("geo_geohash_to_central_point", &[s("sunny")]),
        json!({"type": "Point", "coordinates": [42.47314453125, 23.70849609375]}),
    );
    assert_eq!(call("geo_geohash_to_central_point", &[s("a")]), Value::Null);
    assert_json(
        call("geo_geohash_to_central_point", &[s("sv8wzvy7")]),
        json!({"type": "Point", "coordinates": [34.80245590209961, 32.15620994567871]}),
    );
    // geo-geohash-to-polygon-function-00, -02
    assert_json(
        call("geo_geohash_to_polygon", &[s("dr5ru")]),
        json!({"type": "Polygon", "coordinates": [[[-74.00390625, 40.7373046875],
            [-73.9599609375, 40.7373046875], [-73.9599609375, 40.78125], [-74.00390625, 40.78125],
            [-74.00390625, 40.7373046875]]]}),
    );
    assert_eq!(call("geo_geohash_to_polygon", &[s("a")]), Value::Null);
}

// ---------------------------------------------------------------------------------------------------------
// S2

#[test]
fn s2_point_to_cell() {
    // geo-point-to-s2cell-function-01 .. -05
    assert_eq!(
        call("geo_point_to_s2cell", &[r(-80.195829), r(25.802215), l(8)]),
        s("88d9b")
    );
    assert_eq!(
        call("geo_point_to_s2cell", &[r(10.1234), l(53), l(8)]),
        s("47b1d")
    );
    assert_eq!(
        call("geo_point_to_s2cell", &[r(10.3579), l(53), l(8)]),
        s("47b1d")
    );
    assert_eq!(
        call("geo_point_to_s2cell", &[r(10.6842), l(53), l(8)]),
        s("47ae3")
    );
    assert_eq!(call("geo_point_to_s2cell", &[l(300), l(1), l(8)]), s(""));
    assert_eq!(call("geo_point_to_s2cell", &[l(1), l(1), l(35)]), s(""));
    assert_eq!(
        call("geo_point_to_s2cell", &[l(1), l(1), Value::Null]),
        s("")
    );
    // geospatial-joins-00: level 22 puts a, b, c with the reference point, d elsewhere.
    let at = |x: f64, y: f64| call("geo_point_to_s2cell", &[r(x), r(y), l(22)]);
    let reference = at(-0.12432668105284961, 51.51115938802832);
    assert_eq!(at(-0.12433080766874127, 51.51115841361647), reference);
    assert_eq!(at(-0.12432651341458723, 51.511160848670585), reference);
    assert_eq!(at(-0.12432466939637266, 51.51115959669167), reference);
    assert_ne!(at(1.0, 1.0), reference);
}

#[test]
fn s2_shapes() {
    // geo-s2cell-to-central-point-function-00, -01
    assert_json(
        call("geo_s2cell_to_central_point", &[s("1234567")]),
        json!({"type": "Point", "coordinates": [9.86830731850408, 27.468392925827605]}),
    );
    assert_eq!(call("geo_s2cell_to_central_point", &[s("a")]), Value::Null);
    // geo-s2cell-to-polygon-function-00, -02
    assert_json(
        call("geo_s2cell_to_polygon", &[s("89c259")]),
        json!({"type": "Polygon", "coordinates": [[[-74.03001224983848, 40.8012684339439],
            [-74.03001224983848, 40.7222262918358], [-73.93598211433742, 40.708880489804564],
            [-73.93598211433742, 40.78791713450684], [-74.03001224983848, 40.8012684339439]]]}),
    );
    assert_eq!(call("geo_s2cell_to_polygon", &[s("a")]), Value::Null);
    // geo-s2cell-to-polygon-function-01: the level-10 cell of a point
    let c = call("geo_point_to_s2cell", &[r(-73.956683), r(40.807907), l(10)]);
    assert_json(
        call("geo_s2cell_to_polygon", &[c]),
        json!({"type": "Polygon", "coordinates": [[[-74.03001224983848, 40.880202851376716],
            [-74.03001224983848, 40.8012684339439], [-73.93598211433742, 40.78791713450684],
            [-73.93598211433742, 40.86684616344577], [-74.03001224983848, 40.880202851376716]]]}),
    );
}

// ---------------------------------------------------------------------------------------------------------
// Measurements

fn central_park() -> Value {
    d(
        json!({"type":"Polygon","coordinates":[[[-73.9495,40.7969],[-73.95807266235352,40.80068603561921],
        [-73.98201942443848,40.76825672305777],[-73.97317886352539,40.76455136505513],[-73.9495,40.7969]]]}),
    )
}

#[test]
fn distances_and_circles() {
    // geo-distance-2points-function-00, -03
    assert_real(
        call(
            "geo_distance_2points",
            &[r(-122.407628), r(47.578557), r(-118.275287), r(34.019056)],
        ),
        1546754.3519738095,
    );
    assert_eq!(
        call("geo_distance_2points", &[l(300), l(1), l(1), l(1)]),
        Value::Null
    );
    // geo-point-in-circle-function-00, -03 .. -06
    let c = |x: f64, y: f64| {
        call(
            "geo_point_in_circle",
            &[r(x), r(y), r(-122.317404), r(47.609119), l(18000)],
        )
    };
    assert_eq!(c(-122.317404, 47.609119), Value::Bool(true));
    assert_eq!(c(-123.497688, 47.458098), Value::Bool(false));
    assert_eq!(c(-122.201741, 47.677084), Value::Bool(true));
    assert_eq!(c(-122.443663, 47.247092), Value::Bool(false));
    assert_eq!(c(-122.121975, 47.671345), Value::Bool(true));
    let c2 = |x: f64, y: f64| {
        call(
            "geo_point_in_circle",
            &[r(x), r(y), r(-122.100896), r(47.527351), l(3500)],
        )
    };
    assert_eq!(c2(-122.143564, 47.535677), Value::Bool(true));
    assert_eq!(c2(-122.137575, 47.630683), Value::Bool(false));
    assert_eq!(
        call("geo_point_in_circle", &[l(200), l(1), l(1), l(1), l(1)]),
        Value::Null
    );
    assert_eq!(
        call("geo_point_in_circle", &[l(1), l(1), l(1), l(1), l(-1)]),
        Value::Null
    );
}

#[test]
fn azimuths() {
    // geo-azimuth-function-00, -03
    assert_real(
        call("geo_azimuth", &[l(5), l(10), l(10), l(-40)]),
        3.054599397964492,
    );
    assert_eq!(
        call("geo_azimuth", &[l(5), l(10), l(5), l(10)]),
        Value::Null
    );
}

#[test]
fn polygons() {
    // geo-polygon-area-function-00, -03; geo-polygon-perimeter-function-00, -02
    assert_real(
        call("geo_polygon_area", &[central_park()]),
        3475207.28346606,
    );
    assert_real(
        call("geo_polygon_perimeter", &[central_park()]),
        9930.301496049382,
    );
    let bad = d(json!({"type": "Polygon","coordinates": [[[0,0],[10,10],[10,10],[0,0]]]}));
    assert_eq!(
        call("geo_polygon_area", std::slice::from_ref(&bad)),
        Value::Null
    );
    assert_eq!(
        call("geo_polygon_perimeter", std::slice::from_ref(&bad)),
        Value::Null
    );
    // geo-polygon-centroid-function-00, -04
    assert_json(
        call("geo_polygon_centroid", &[central_park()]),
        json!({"type": "Point", "coordinates": [-73.96573568990762, 40.78255053805781]}),
    );
    assert_eq!(
        call("geo_polygon_centroid", std::slice::from_ref(&bad)),
        Value::Null
    );
    // geo-distance-point-to-polygon-function-00, -03, -04
    assert_real(
        call(
            "geo_distance_point_to_polygon",
            &[r(-73.9839), r(40.7705), central_park()],
        ),
        259.9407560705964,
    );
    let tri = d(json!({"type": "Polygon","coordinates": [[[0,0],[10,10],[10,1],[0,0]]]}));
    assert_eq!(
        call(
            "geo_distance_point_to_polygon",
            &[l(500), l(1), tri.clone()]
        ),
        Value::Null
    );
    assert_eq!(
        call("geo_distance_point_to_polygon", &[l(1), l(1), bad.clone()]),
        Value::Null
    );
    // geo-closest-point-on-polygon-function-00 .. -02
    assert_json(
        call(
            "geo_closest_point_on_polygon",
            &[r(-73.9839), r(40.7705), central_park()],
        ),
        json!({"type": "Point", "coordinates": [-73.98120558015391, 40.76935945284321]}),
    );
    assert_eq!(
        call("geo_closest_point_on_polygon", &[l(500), l(1), tri.clone()]),
        Value::Null
    );
    assert_eq!(
        call("geo_closest_point_on_polygon", &[l(1), l(1), bad.clone()]),
        Value::Null
    );
    // geo-point-in-polygon-function-05, -06
    assert_eq!(
        call("geo_point_in_polygon", &[l(200), l(1), tri]),
        Value::Null
    );
    assert_eq!(
        call("geo_point_in_polygon", &[l(1), l(1), bad]),
        Value::Null
    );
}

#[test]
fn point_in_polygon_with_hole() {
    // geo-point-in-polygon-function-00: Manhattan without Central Park
    let manhattan = d(
        json!({"type":"Polygon","coordinates":[[[-73.92597198486328,40.87821814104651],
        [-73.94691467285156,40.85069618625578],[-73.94691467285156,40.841865966890786],
        [-74.01008605957031,40.7519385984599],[-74.01866912841797,40.704586878965245],
        [-74.01214599609375,40.699901911003046],[-73.99772644042969,40.70875101828792],
        [-73.97747039794922,40.71083299030839],[-73.97026062011719,40.7290474687069],
        [-73.97506713867186,40.734510840309376],[-73.970947265625,40.74543623770158],
        [-73.94210815429688,40.77586181063573],[-73.9434814453125,40.78080140115127],
        [-73.92974853515625,40.79691751000055],[-73.93077850341797,40.804454347291006],
        [-73.93489837646484,40.80965166748853],[-73.93524169921875,40.837190668541105],
        [-73.92288208007812,40.85770758108904],[-73.9101791381836,40.871728144624974],
        [-73.92597198486328,40.87821814104651]],[[-73.95824432373047,40.80071852197889],
        [-73.98206233978271,40.76815921628347],[-73.97309303283691,40.76422632379533],
        [-73.94914627075195,40.796949998204596],[-73.95824432373047,40.80071852197889]]]}),
    );
    let at = |x: f64, y: f64| call("geo_point_in_polygon", &[r(x), r(y), manhattan.clone()]);
    assert_eq!(at(-73.985654, 40.748487), Value::Bool(true));
    assert_eq!(at(-73.963249, 40.779525), Value::Bool(false));
    assert_eq!(at(-73.874367, 40.777356), Value::Bool(false));
    // A clockwise shell means the same region (the smaller one).
    let cw = d(
        json!({"type":"Polygon","coordinates":[[[-73.9495,40.7969],[-73.97317886352539,40.76455136505513],
        [-73.98201942443848,40.76825672305777],[-73.95807266235352,40.80068603561921],[-73.9495,40.7969]]]}),
    );
    assert_eq!(
        call(
            "geo_point_in_polygon",
            &[r(-73.9657), r(40.7825), cw.clone()]
        ),
        Value::Bool(true)
    );
    assert_eq!(
        call("geo_point_in_polygon", &[r(-73.9839), r(40.7705), cw]),
        Value::Bool(false)
    );
}

#[test]
fn multipolygons() {
    // geo-polygon-area-function-01: the engine measures the union of overlapping polygons; refused.
    let overlapping = d(
        json!({"type":"MultiPolygon","coordinates":[[[[-73.9495,40.7969],
        [-73.95807266235352,40.80068603561921],[-73.98201942443848,40.76825672305777],
        [-73.97317886352539,40.76455136505513],[-73.9495,40.7969]]],[[[-73.94262313842773,40.775991804565585],
        [-73.98107528686523,40.791849155467695],[-73.99600982666016,40.77092185281977],
        [-73.96150588989258,40.75609977566361],[-73.94262313842773,40.775991804565585]]]]}),
    );
    let def = FUNCTIONS
        .iter()
        .find(|f| f.name == "geo_polygon_area")
        .unwrap();
    let info = ArgInfo::constant(overlapping.clone(), ScalarType::Dynamic);
    assert!(prepare(def, &[info]).is_err());
    // ... and null when it only shows at run time.
    let p = prepare(def, &[ArgInfo::new(ScalarType::Dynamic)]).unwrap();
    assert_eq!((p.eval)(&[overlapping]), Value::Null);
    // Apart polygons add up: Central Park twice, far apart.
    let apart = d(
        json!({"type":"MultiPolygon","coordinates":[[[[-73.9495,40.7969],
        [-73.95807266235352,40.80068603561921],[-73.98201942443848,40.76825672305777],
        [-73.97317886352539,40.76455136505513],[-73.9495,40.7969]]],[[[-63.9495,40.7969],
        [-63.95807266235352,40.80068603561921],[-63.98201942443848,40.76825672305777],
        [-63.97317886352539,40.76455136505513],[-63.9495,40.7969]]]]}),
    );
    assert_real(
        call("geo_polygon_area", std::slice::from_ref(&apart)),
        2.0 * 3475207.28346606,
    );
    assert_real(
        call("geo_polygon_perimeter", &[apart]),
        2.0 * 9930.301496049382,
    );
}

fn vegas_line() -> Value {
    d(
        json!({ "type":"LineString","coordinates":[[-115.115385,36.229195],[-115.136995,36.200366],
        [-115.140252,36.192470],[-115.143558,36.188523],[-115.144076,36.181954],[-115.154662,36.174483],
        [-115.166431,36.176388],[-115.183289,36.175007],[-115.192612,36.176736],[-115.202485,36.173439],
        [-115.225355,36.174365]]}),
    )
}

#[test]
fn lines() {
    // geo-distance-point-to-line-function-00, -04, -05
    assert_real(
        call(
            "geo_distance_point_to_line",
            &[r(-115.199625), r(36.210419), vegas_line()],
        ),
        3797.8888725332145,
    );
    let no_coords = d(json!({ "type":"LineString"}));
    assert_eq!(
        call(
            "geo_distance_point_to_line",
            &[l(1), l(1), no_coords.clone()]
        ),
        Value::Null
    );
    let short = d(json!({ "type":"LineString","coordinates":[[1,1],[2,2]]}));
    assert_eq!(
        call("geo_distance_point_to_line", &[l(300), l(3), short.clone()]),
        Value::Null
    );
    // geo-closest-point-on-line-function-00 .. -02
    assert_json(
        call(
            "geo_closest_point_on_line",
            &[r(-115.199625), r(36.210419), vegas_line()],
        ),
        json!({"type": "Point", "coordinates": [-115.19261200000001, 36.176736]}),
    );
    assert_eq!(
        call("geo_closest_point_on_line", &[l(1), l(1), no_coords]),
        Value::Null
    );
    assert_eq!(
        call("geo_closest_point_on_line", &[l(300), l(3), short]),
        Value::Null
    );
    // geo-line-length-function-00 .. -02
    let three = d(
        json!({"type":"LineString","coordinates":[[-73.95807266235352,40.800426144169315],
        [-73.94966125488281,40.79691751000055],[-73.97317886352539,40.764486356930334]]}),
    );
    assert_real(call("geo_line_length", &[three]), 4922.4801699208065);
    let multi = d(
        json!({"type":"MultiLineString","coordinates":[[[-73.95798683166502,40.800556090021466],
        [-73.98193359375,40.76819171855746]],[[-73.94940376281738,40.79691751000055],
        [-73.97317886352539,40.76435634049001]]]}),
    );
    assert_real(
        call("geo_line_length", std::slice::from_ref(&multi)),
        8262.243397537412,
    );
    let one = d(json!({"type":"LineString","coordinates":[[1, 1]]}));
    assert_eq!(
        call("geo_line_length", std::slice::from_ref(&one)),
        Value::Null
    );
    // geo-line-centroid-function-00 .. -03
    let two = d(
        json!({"type":"LineString","coordinates":[[-73.95796, 40.80042], [-73.97317, 40.764486]]}),
    );
    assert_json(
        call("geo_line_centroid", std::slice::from_ref(&two)),
        json!({"type": "Point", "coordinates": [-73.96556705723094, 40.782453249627416]}),
    );
    assert_json(
        call("geo_line_centroid", &[multi]),
        json!({"type": "Point", "coordinates": [-73.96562218400669, 40.78250336313828]}),
    );
    assert_eq!(
        call("geo_line_centroid", std::slice::from_ref(&one)),
        Value::Null
    );
    let five = d(
        json!({"type":"LineString","coordinates":[[-73.95807266235352,40.800426144169315],
        [-73.94966125488281,40.79691751000055],[-73.97317886352539,40.764486356930334],
        [-73.98210525512695,40.76786669510221],[-73.96004676818848,40.7980870753293]]}),
    );
    match call("geo_line_centroid", std::slice::from_ref(&five)) {
        Value::Dynamic(j) => assert!(
            close(&j["coordinates"][0], &json!(-73.96606756268372)),
            "{j}"
        ),
        other => panic!("{other:?}"),
    }
    // geo-line-interpolate-point-function-00 .. -03
    assert_json(
        call("geo_line_interpolate_point", &[two.clone(), r(0.25)]),
        json!({"type": "Point", "coordinates": [-73.96176404321828, 40.79143668725723]}),
    );
    assert_json(
        call("geo_line_interpolate_point", &[five, r(0.9)]),
        json!({"type": "Point", "coordinates": [-73.96556545832799, 40.79052937973534]}),
    );
    assert_eq!(
        call("geo_line_interpolate_point", &[one.clone(), r(0.5)]),
        Value::Null
    );
    // geo-line-locate-point-function-00, -01
    assert_real(
        call("geo_line_locate_point", &[two, r(-73.965), r(40.792)]),
        0.2556013510030755,
    );
    assert_eq!(
        call("geo_line_locate_point", &[one, l(1), l(1)]),
        Value::Null
    );
}

#[test]
fn wkt() {
    // geo-from-wkt-function-00 .. -07
    let w = |t: &str| call("geo_from_wkt", &[s(t)]);
    assert_json(
        w("POINT (1 2)"),
        json!({"type": "Point", "coordinates": [1.0, 2.0]}),
    );
    assert_json(
        w("LINESTRING (1 2, 3 4)"),
        json!({"type": "LineString", "coordinates": [[1.0, 2.0], [3.0, 4.0]]}),
    );
    assert_json(
        w("POLYGON ((0 0, 2 0, 2 2, 0 0))"),
        json!({"type": "Polygon", "coordinates": [[[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 0.0]]]}),
    );
    assert_json(
        w("MULTIPOINT (1 1, 2 2, 3 3)"),
        json!({"type": "MultiPoint", "coordinates": [[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]}),
    );
    assert_json(
        w("MULTILINESTRING ((1 1, 2 2, 3 3), (4 4, 5 5))"),
        json!({"type": "MultiLineString", "coordinates": [[[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]],
            [[4.0, 4.0], [5.0, 5.0]]]}),
    );
    assert_json(
        w("MULTIPOLYGON (((0 0, 2 0, 2 2, 0 0)),((10 10, 12 10, 12 12, 10 10)))"),
        json!({"type": "MultiPolygon", "coordinates": [[[[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 0.0]]],
            [[[10.0, 10.0], [12.0, 10.0], [12.0, 12.0], [10.0, 10.0]]]]}),
    );
    assert_json(
        w(
            "GEOMETRYCOLLECTION (POINT (1 1),LINESTRING (2 2, 3 3, 4 4),POLYGON ((10 10, 12 10, 12 12, 10 10)))",
        ),
        json!({"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [1.0, 1.0]},
            {"type": "LineString", "coordinates": [[2.0, 2.0], [3.0, 3.0], [4.0, 4.0]]},
            {"type": "Polygon", "coordinates": [[[10.0, 10.0], [12.0, 10.0], [12.0, 12.0], [10.0, 10.0]]]}]}),
    );
    assert_eq!(w("LINESTRING"), Value::Null);
    assert_eq!(w("POINT (200 1)"), Value::Null);
    assert_eq!(w("POINT (1 2) x"), Value::Null);
}

#[test]
fn argument_types_are_checked() {
    let def = FUNCTIONS
        .iter()
        .find(|f| f.name == "geo_point_to_h3cell")
        .unwrap();
    let bad = [
        ArgInfo::new(ScalarType::String),
        ArgInfo::new(ScalarType::Real),
    ];
    assert!(prepare(def, &bad).is_err());
    let def = FUNCTIONS
        .iter()
        .find(|f| f.name == "geo_polygon_area")
        .unwrap();
    assert!(prepare(def, &[ArgInfo::new(ScalarType::String)]).is_err());
}

#[test]
fn angles() {
    // geo-angle-function-00 .. -02
    assert_real(
        call("geo_angle", &[l(0), l(10), l(0), l(5), l(3), l(-10)]),
        2.9449384340688165,
    );
    assert_eq!(
        call("geo_angle", &[l(0), l(10), l(0), l(10), l(3), l(-10)]),
        Value::Null
    );
    // Clockwise from the first line: the mirror image measures the rest of the turn.
    assert_real(
        call("geo_angle", &[l(0), l(10), l(0), l(5), l(-3), l(-10)]),
        2.0 * std::f64::consts::PI - 2.9449384340688165,
    );
}

#[test]
fn intersects() {
    // geo-intersects-2lines-function-00, -02
    let l1 = d(
        json!({"type":"LineString","coordinates":[[-73.978929,40.785155],[-73.980903,40.782621]]}),
    );
    let l2 = d(
        json!({"type":"LineString","coordinates":[[-73.985195,40.788275],[-73.974552,40.779761]]}),
    );
    let point_line = d(json!({"type":"LineString","coordinates":[[-73.985195,40.788275]]}));
    assert_eq!(
        call("geo_intersects_2lines", &[l1.clone(), l2.clone()]),
        Value::Bool(true)
    );
    assert_eq!(
        call("geo_intersects_2lines", &[l1.clone(), point_line]),
        Value::Null
    );
    let far = d(json!({"type":"LineString","coordinates":[[1, 1],[2, 2]]}));
    assert_eq!(
        call("geo_intersects_2lines", &[l1.clone(), far.clone()]),
        Value::Bool(false)
    );
    // geo-intersects-line-with-polygon-function-04: a polygon is not a line
    let empty_polygon = d(json!({"type":"Polygon","coordinates":[]}));
    assert_eq!(
        call("geo_intersects_2lines", &[l1, empty_polygon]),
        Value::Null
    );
    // geo-intersects-2polygons-function-00, -02
    let p1 = d(
        json!({"type":"Polygon","coordinates":[[[-73.9630937576294,40.77498840732385],
        [-73.963565826416,40.774383111780914],[-73.96205306053162,40.773745311181585],
        [-73.96160781383514,40.7743912365898],[-73.9630937576294,40.77498840732385]]]}),
    );
    let p2 = d(
        json!({"type":"Polygon","coordinates":[[[-73.96213352680206,40.775045280447145],
        [-73.9631313085556,40.774578106920345],[-73.96207988262177,40.77416780398293],
        [-73.96213352680206,40.775045280447145]]]}),
    );
    assert_eq!(
        call("geo_intersects_2polygons", &[p1, p2]),
        Value::Bool(true)
    );
    let invalid = d(json!({"type":"Polygon"}));
    assert_eq!(
        call("geo_intersects_2polygons", &[invalid, central_park()]),
        Value::Null
    );
    // geo-intersects-line-with-polygon-function-00
    let tri = d(
        json!({"type":"Polygon","coordinates":[[[-73.9712905883789,40.78580561168767],
        [-73.98004531860352,40.775276834803655],[-73.97000312805176,40.77852663535664],
        [-73.9712905883789,40.78580561168767]]]}),
    );
    assert_eq!(
        call("geo_intersects_line_with_polygon", &[l2, tri.clone()]),
        Value::Bool(true)
    );
    assert_eq!(
        call("geo_intersects_line_with_polygon", &[far, tri]),
        Value::Bool(false)
    );
}

#[test]
fn point_in_polygon_column_argument() {
    // The polygon comes from a column (not a constant): parsed per row.
    let def = FUNCTIONS
        .iter()
        .find(|f| f.name == "geo_point_in_polygon")
        .unwrap();
    let infos = [
        ArgInfo::new(ScalarType::Real),
        ArgInfo::new(ScalarType::Real),
        ArgInfo::new(ScalarType::Dynamic),
    ];
    let p = prepare(def, &infos).unwrap();
    assert_eq!(
        (p.eval)(&[r(-73.9657), r(40.7825), central_park()]),
        Value::Bool(true)
    );
    assert_eq!(
        (p.eval)(&[r(-73.9839), r(40.7705), central_park()]),
        Value::Bool(false)
    );
    assert_eq!(
        (p.eval)(&[r(-73.9657), r(40.7825), d(json!({"type": "Polygon"}))]),
        Value::Null
    );
}
