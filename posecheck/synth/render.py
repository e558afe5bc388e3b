"""Software renderer of a shaded mannequin in a known pose (NumPy ray casting).

The body of `posecheck.synth.body` is dressed in capsules and ellipsoids (head, neck,
chest, waist, pelvis, upper/lower arms and legs, hands, feet), standing or lying on a
floor plane in front of a plain wall, and rendered by intersecting one ray per pixel
analytically with every primitive.  Shading is Lambert (a key light, a weak fill light
and ambient) times a small silhouette darkening so overlapping limbs stay apart, plus a
soft contact shadow on the floor.  Everything is vectorised; each primitive only tests
the rays inside its projected bounding box, so a 640x480 frame takes a fraction of a
second.

`render` returns an RGB ``uint8`` array; `render_sample` also returns the true `Pose`
(landmarks projected with the same camera).  Pillow is imported only by `save_png`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from posecheck.landmarks import Landmark, Pose
from posecheck.synth.body import (
    DEFAULT_SHAPE,
    BodyAngles,
    BodyShape,
    Camera,
    Facing,
    ResolvedCamera,
    Skeleton,
    aim_points,
    make_pose,
    resolve_camera,
    skeleton,
)

L: type[Landmark] = Landmark
RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Style:
    """Colours (RGB 0-255) and lighting of a render."""

    skin: RGB = (226, 178, 146)
    shirt: RGB = (46, 92, 178)
    trousers: RGB = (52, 52, 60)
    shoes: RGB = (235, 235, 235)
    hair: RGB = (70, 48, 34)
    ear: RGB = (210, 150, 122)
    eyes: RGB = (40, 30, 30)
    lips: RGB = (170, 90, 90)
    wall: RGB = (214, 212, 204)
    floor: RGB = (172, 150, 122)
    light_dir: tuple[float, float, float] = (0.35, -0.55, 0.75)  # towards the key light (world)
    fill_dir: tuple[float, float, float] = (-0.6, 0.3, 0.3)
    ambient: float = 0.34
    key: float = 0.62
    fill: float = 0.18
    rim_darkening: float = 0.35
    contact_shadow: float = 0.45


@dataclass(frozen=True, eq=False)
class Capsule:
    a: np.ndarray
    b: np.ndarray
    radius: float
    colour: RGB


@dataclass(frozen=True, eq=False)
class Ellipsoid:
    centre: np.ndarray
    axes: np.ndarray  # (3, 3) rows: unit axis directions
    radii: np.ndarray  # (3,)
    colour: RGB


Primitive = Capsule | Ellipsoid


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def _frame(lateral: np.ndarray, along: np.ndarray) -> np.ndarray:
    """Orthonormal rows (forward, lateral, along) with ``along`` kept exact (forward = lateral x along)."""
    along = _unit(along)
    lateral = _unit(lateral - (lateral @ along) * along)
    forward = np.cross(lateral, along)
    return np.stack([forward, lateral, along])


def mannequin(sk: Skeleton, shape: BodyShape = DEFAULT_SHAPE, style: Style = Style()) -> list[Primitive]:
    """The primitives dressing a skeleton."""
    p, j = sk.points, sk.joints
    prims: list[Primitive] = []
    trunk = j["trunk_dir"]
    hip_c, sh_c = j["hip_centre"], j["shoulder_centre"]
    # torso: chest, waist, pelvis ellipsoids oriented with the trunk
    chest_axes = _frame(j["shoulder_lateral"], trunk)
    prims.append(Ellipsoid(sh_c - 0.15 * trunk, chest_axes, np.array(shape.chest_radii), style.shirt))
    waist_axes = _frame((j["shoulder_lateral"] + j["pelvis_lateral"]) / 2, trunk)
    prims.append(Ellipsoid(j["waist_centre"], waist_axes, np.array(shape.waist_radii), style.shirt))
    pelvis_axes = _frame(j["pelvis_lateral"], trunk)
    prims.append(Ellipsoid(hip_c + 0.02 * trunk, pelvis_axes, np.array(shape.pelvis_radii), style.trousers))
    # neck and head
    ear_c = j["ear_centre"]
    prims.append(Capsule(sh_c - 0.02 * trunk, ear_c - 0.04 * j["face_up"], shape.neck_radius, style.skin))
    head_axes = np.stack([j["face_forward"], np.array([0.0, 1.0, 0.0]), j["face_up"]])
    prims.append(Ellipsoid(j["head_centre"], head_axes, np.array(shape.head_radii), style.skin))
    hair_c = j["head_centre"] - 0.02 * j["face_forward"] + 0.025 * j["face_up"]
    hair_r = np.array(shape.head_radii) * np.array([0.97, 1.04, 0.93])
    prims.append(Ellipsoid(hair_c, head_axes, hair_r, style.hair))
    prims.append(
        Ellipsoid(
            p[L.NOSE] - 0.012 * j["face_forward"], head_axes, np.array([0.02, 0.014, 0.024]), style.skin
        )
    )
    for side in ("LEFT", "RIGHT"):
        ear, eye = p[L[f"{side}_EAR"]], p[L[f"{side}_EYE"]]
        prims.append(Ellipsoid(ear, head_axes, np.array([0.022, 0.012, 0.03]), style.ear))
        eye_c = eye - 0.012 * j["face_forward"]
        prims.append(Ellipsoid(eye_c, head_axes, np.array([0.012, 0.012, 0.008]), style.eyes))
    mouth = (p[L.MOUTH_LEFT] + p[L.MOUTH_RIGHT]) / 2 - 0.01 * j["face_forward"]
    prims.append(Ellipsoid(mouth, head_axes, np.array([0.008, 0.024, 0.005]), style.lips))
    for side in ("LEFT", "RIGHT"):
        s = side.lower()
        hip, knee, ankle = p[L[f"{side}_HIP"]], p[L[f"{side}_KNEE"]], p[L[f"{side}_ANKLE"]]
        heel, toe = p[L[f"{side}_HEEL"]], p[L[f"{side}_FOOT_INDEX"]]
        shoulder, elbow, wrist = p[L[f"{side}_SHOULDER"]], p[L[f"{side}_ELBOW"]], p[L[f"{side}_WRIST"]]
        # legs: a thick upper thigh, the thigh, the shin with a calf, a foot
        prims.append(Capsule(hip, hip + 0.45 * (knee - hip), shape.thigh_radius * 1.15, style.trousers))
        prims.append(Capsule(hip, knee, shape.thigh_radius, style.trousers))
        prims.append(Capsule(knee, ankle, shape.shin_radius, style.trousers))
        shin_dir = _unit(ankle - knee)
        foot_dir, sole_n = j[f"{s}_foot_dir"], j[f"{s}_sole_normal"]
        calf = knee + 0.35 * (ankle - knee) - 0.015 * np.cross(np.array([0.0, 1.0, 0.0]), shin_dir)
        prims.append(Capsule(knee + 0.1 * (ankle - knee), calf, shape.shin_radius * 1.18, style.trousers))
        r = shape.foot_radius
        prims.append(
            Capsule(heel - r * sole_n + r * foot_dir, toe - r * sole_n - r * foot_dir, r, style.shoes)
        )
        prims.append(Capsule(ankle, heel - 1.2 * r * sole_n + 0.09 * foot_dir, r * 1.1, style.shoes))
        # arms: deltoid, upper arm (sleeve), forearm, hand
        prims.append(Ellipsoid(shoulder, chest_axes, np.array([0.06, 0.055, 0.065]), style.shirt))
        prims.append(Capsule(shoulder, elbow, shape.upper_arm_radius, style.shirt))
        prims.append(Capsule(elbow, wrist, shape.forearm_radius, style.skin))
        hand_end = j[f"{s}_hand_end"]
        prims.append(Capsule(wrist, wrist + 0.7 * (hand_end - wrist), shape.hand_radius, style.skin))
    return prims


# --------------------------------------------------------------------------- ray casting


def _rays(cam: ResolvedCamera, width: int, height: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Ray origins and unit directions for a k-times supersampled image: (H*k, W*k, 3) each."""
    u = (np.arange(width * k) + 0.5) / k
    v = (np.arange(height * k) + 0.5) / k
    uu, vv = np.meshgrid(u, v)
    rot_t = cam.rotation.T  # columns: right, down, forward
    if cam.orthographic:
        x = (uu - cam.principal[0]) / cam.scale
        y = (vv - cam.principal[1]) / cam.scale
        origins = cam.position + x[..., None] * rot_t[:, 0] + y[..., None] * rot_t[:, 1]
        dirs = np.broadcast_to(rot_t[:, 2], origins.shape).copy()
        return origins, dirs
    x = (uu - cam.principal[0]) / cam.focal
    y = (vv - cam.principal[1]) / cam.focal
    d = x[..., None] * rot_t[:, 0] + y[..., None] * rot_t[:, 1] + rot_t[:, 2]
    d /= np.linalg.norm(d, axis=-1, keepdims=True)
    origins = np.broadcast_to(cam.position, d.shape).copy()
    return origins, d


def _hit_capsule(ro: np.ndarray, rd: np.ndarray, c: Capsule) -> tuple[np.ndarray, np.ndarray]:
    """Nearest hit distance (inf = miss) and unit normals for rays (N, 3)."""
    ba = c.b - c.a
    oa = ro - c.a
    baba = float(ba @ ba)
    bard = rd @ ba
    baoa = oa @ ba
    rdoa = np.einsum("ij,ij->i", rd, oa)
    oaoa = np.einsum("ij,ij->i", oa, oa)
    r2 = c.radius * c.radius
    aa = baba - bard * bard
    bb = baba * rdoa - baoa * bard
    cc = baba * oaoa - baoa * baoa - r2 * baba
    h = bb * bb - aa * cc
    t = np.full(len(ro), np.inf)
    ok = h >= 0
    with np.errstate(divide="ignore", invalid="ignore"):
        t_side = (-bb - np.sqrt(np.where(ok, h, 0))) / aa
        y = baoa + t_side * bard
        side = ok & (y > 0) & (y < baba) & (aa > 1e-12)
        t[side] = t_side[side]
        caps = ok & ~side
        oc = np.where((y <= 0)[:, None], oa, ro - c.b)
        b2 = np.einsum("ij,ij->i", rd, oc)
        c2 = np.einsum("ij,ij->i", oc, oc) - r2
        h2 = b2 * b2 - c2
        cap_hit = caps & (h2 > 0)
        t_cap = -b2 - np.sqrt(np.where(cap_hit, h2, 0))
        t[cap_hit] = t_cap[cap_hit]
    t[t <= 1e-6] = np.inf
    hit = np.isfinite(t)
    normals = np.zeros_like(ro)
    if hit.any():
        pa = ro[hit] + t[hit, None] * rd[hit] - c.a
        s = np.clip(pa @ ba / baba, 0.0, 1.0)
        normals[hit] = (pa - s[:, None] * ba) / c.radius
    return t, normals


def _hit_ellipsoid(ro: np.ndarray, rd: np.ndarray, e: Ellipsoid) -> tuple[np.ndarray, np.ndarray]:
    m = e.axes / e.radii[:, None]  # world -> unit-sphere coordinates
    o = (ro - e.centre) @ m.T
    d = rd @ m.T
    a = np.einsum("ij,ij->i", d, d)
    b = np.einsum("ij,ij->i", o, d)
    c = np.einsum("ij,ij->i", o, o) - 1.0
    h = b * b - a * c
    t = np.full(len(ro), np.inf)
    ok = h >= 0
    t_hit = (-b - np.sqrt(np.where(ok, h, 0))) / a
    ok &= t_hit > 1e-6
    t[ok] = t_hit[ok]
    normals = np.zeros_like(ro)
    if ok.any():
        local = o[ok] + t[ok, None] * d[ok]
        n = (local / e.radii) @ e.axes  # gradient of the implicit function
        normals[ok] = n / np.linalg.norm(n, axis=1, keepdims=True)
    return t, normals


def _bounds(prim: Primitive) -> tuple[np.ndarray, float]:
    if isinstance(prim, Capsule):
        return (prim.a + prim.b) / 2, float(np.linalg.norm(prim.b - prim.a)) / 2 + prim.radius
    return prim.centre, float(np.max(prim.radii))


def _screen_box(
    cam: ResolvedCamera, prim: Primitive, shape_hw: tuple[int, int], k: int
) -> tuple[int, int, int, int]:
    """Pixel rectangle (x0, y0, x1, y1) of the supersampled image that may show ``prim``."""
    centre, radius = _bounds(prim)
    corners = centre + radius * np.array(
        [[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)], dtype=float
    )
    cam_pts = cam.to_camera(corners)
    h, w = shape_hw
    if not cam.orthographic and (cam_pts[:, 2] <= 0.05).any():
        return 0, 0, w, h
    xy, _ = cam.project(corners)
    xy = xy * k
    x0, y0 = np.floor(xy.min(axis=0)).astype(int) - 2
    x1, y1 = np.ceil(xy.max(axis=0)).astype(int) + 2
    return max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)


def _segment_distance(points: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    ab = b - a
    s = np.clip((points - a) @ ab / max(float(ab @ ab), 1e-12), 0.0, 1.0)
    return np.linalg.norm(points - (a + s[:, None] * ab), axis=1)


def render_image(
    sk: Skeleton,
    cam: ResolvedCamera,
    *,
    shape: BodyShape = DEFAULT_SHAPE,
    style: Style = Style(),
    supersample: int = 1,
) -> np.ndarray:
    """Render a grounded skeleton seen by a placed camera: (H, W, 3) RGB uint8."""
    width, height = cam.image_size
    k = max(1, int(supersample))
    prims = mannequin(sk, shape, style)
    origins, dirs = _rays(cam, width, height, k)
    hh, ww = origins.shape[:2]
    depth = np.full((hh, ww), np.inf)
    normal = np.zeros((hh, ww, 3))
    colour = np.zeros((hh, ww, 3))
    # floor (Z = 0), in front of the wall
    with np.errstate(divide="ignore", invalid="ignore"):
        t_floor = np.where(dirs[..., 2] < -1e-9, -origins[..., 2] / dirs[..., 2], np.inf)
    t_floor[t_floor <= 0] = np.inf
    floor = np.isfinite(t_floor)
    depth[floor] = t_floor[floor]
    normal[floor] = (0.0, 0.0, 1.0)
    colour[floor] = style.floor
    colour[~floor] = style.wall
    for prim in prims:
        x0, y0, x1, y1 = _screen_box(cam, prim, (hh, ww), k)
        if x1 <= x0 or y1 <= y0:
            continue
        ro = origins[y0:y1, x0:x1].reshape(-1, 3)
        rd = dirs[y0:y1, x0:x1].reshape(-1, 3)
        if isinstance(prim, Capsule):
            t, n = _hit_capsule(ro, rd, prim)
        else:
            t, n = _hit_ellipsoid(ro, rd, prim)
        sub_depth = depth[y0:y1, x0:x1].reshape(-1)
        closer = t < sub_depth
        if not closer.any():
            continue
        sub_depth[closer] = t[closer]
        depth[y0:y1, x0:x1] = sub_depth.reshape(y1 - y0, x1 - x0)
        sub_n = normal[y0:y1, x0:x1].reshape(-1, 3)
        sub_n[closer] = n[closer]
        normal[y0:y1, x0:x1] = sub_n.reshape(y1 - y0, x1 - x0, 3)
        sub_c = colour[y0:y1, x0:x1].reshape(-1, 3)
        sub_c[closer] = prim.colour
        colour[y0:y1, x0:x1] = sub_c.reshape(y1 - y0, x1 - x0, 3)
    # shading
    key = _unit(np.array(style.light_dir))
    fill = _unit(np.array(style.fill_dir))
    lambert = (
        style.ambient
        + style.key * np.clip(normal @ key, 0, None)
        + style.fill * np.clip(normal @ fill, 0, None)
    )
    body = np.isfinite(depth) & ~(floor & (depth == t_floor))
    facing = np.abs(np.einsum("hwi,hwi->hw", normal, dirs))
    lambert = np.where(body, lambert * (1 - style.rim_darkening * (1 - facing) ** 2), lambert)
    shade = np.where(np.isfinite(depth), lambert, 1.0)
    floor_px = floor & ~body
    if floor_px.any() and style.contact_shadow > 0:
        shade[floor_px] *= _contact_shadow(
            origins[floor_px] + t_floor[floor_px, None] * dirs[floor_px], prims, style
        )
    img = np.clip(colour * shade[..., None], 0, 255)
    if k > 1:
        img = img.reshape(height, k, width, k, 3).mean(axis=(1, 3))
    return np.round(img).astype(np.uint8)


def _contact_shadow(floor_points: np.ndarray, prims: list[Primitive], style: Style) -> np.ndarray:
    """Soft darkening of floor points under the body (ambient occlusion of the capsules)."""
    occlusion = np.zeros(len(floor_points))
    for prim in prims:
        if not isinstance(prim, Capsule):
            a, b, r = prim.centre, prim.centre, float(np.mean(prim.radii))
        else:
            a, b, r = prim.a, prim.b, prim.radius
        lo = min(a[2], b[2]) - r
        if lo > 0.6:
            continue
        flat_a, flat_b = a * (1, 1, 0), b * (1, 1, 0)
        d = _segment_distance(floor_points, flat_a, flat_b)
        height = max(lo, 0.0) + 0.05
        occlusion = np.maximum(
            occlusion, np.exp(-((np.maximum(d - r, 0) / (0.5 * height + 0.04)) ** 2)) * (0.12 / (0.12 + lo))
        )
    return 1 - style.contact_shadow * np.clip(occlusion, 0, 1)


def render_sample(
    angles: BodyAngles,
    camera: Camera | None = None,
    *,
    facing: Facing = "right",
    shape: BodyShape = DEFAULT_SHAPE,
    style: Style = Style(),
    supersample: int = 1,
    timestamp_s: float = 0.0,
) -> tuple[np.ndarray, Pose]:
    """Render ``angles`` and return (RGB image, the true `Pose` of the same projection).

    ``camera`` defaults to a perspective side view (`Camera()`: 0.8 m high, 3.5 m away);
    ``facing="left"`` moves it to the other side (yaw -> 180 - yaw), as in `make_pose`.
    """
    cam = camera if camera is not None else Camera()
    if facing == "left":
        cam = replace(cam, yaw_deg=180.0 - cam.yaw_deg)
    sk = skeleton(angles, shape)
    resolved = resolve_camera(cam, aim_points(sk))
    image = render_image(sk, resolved, shape=shape, style=style, supersample=supersample)
    truth = make_pose(angles, camera=cam, shape=shape, timestamp_s=timestamp_s)
    return image, truth


def render(
    angles: BodyAngles,
    camera: Camera | None = None,
    *,
    facing: Facing = "right",
    shape: BodyShape = DEFAULT_SHAPE,
    style: Style = Style(),
    supersample: int = 1,
) -> np.ndarray:
    """Render ``angles`` as an RGB uint8 image (H, W, 3); see `render_sample`."""
    return render_sample(angles, camera, facing=facing, shape=shape, style=style, supersample=supersample)[0]


# Body white, everything else black, no shading: the rendered image is the true silhouette.
_SILHOUETTE = Style(
    skin=(255, 255, 255),
    shirt=(255, 255, 255),
    trousers=(255, 255, 255),
    shoes=(255, 255, 255),
    hair=(255, 255, 255),
    ear=(255, 255, 255),
    eyes=(255, 255, 255),
    lips=(255, 255, 255),
    wall=(0, 0, 0),
    floor=(0, 0, 0),
    ambient=1.0,
    key=0.0,
    fill=0.0,
    rim_darkening=0.0,
    contact_shadow=0.0,
)


def render_silhouette(
    angles: BodyAngles,
    camera: Camera | None = None,
    *,
    facing: Facing = "right",
    shape: BodyShape = DEFAULT_SHAPE,
    supersample: int = 2,
) -> np.ndarray:
    """The true person-segmentation mask of `render` with the same arguments: (H, W) float32
    in [0, 1], the fraction of each pixel the body covers (``supersample`` rays per side)."""
    image = render(angles, camera, facing=facing, shape=shape, style=_SILHOUETTE, supersample=supersample)
    return (image[..., 0] / 255.0).astype(np.float32)


def masked_pose(
    angles: BodyAngles,
    camera: Camera | None = None,
    *,
    facing: Facing = "right",
    shape: BodyShape = DEFAULT_SHAPE,
    supersample: int = 1,
) -> Pose:
    """`make_pose` with the body's true segmentation mask (`render_silhouette`) attached, for
    tests of checks judged on the silhouette; ``camera`` defaults to make_pose's exact
    orthographic side view."""
    cam = camera if camera is not None else Camera(orthographic=True)
    mask = render_silhouette(angles, cam, facing=facing, shape=shape, supersample=supersample)
    return make_pose(angles, camera=cam, facing=facing, shape=shape).replace(mask=mask)


def save_png(image_rgb: np.ndarray, path: str | Path) -> None:
    """Write an RGB image (Pillow imported here only)."""
    from PIL import Image

    Image.fromarray(image_rgb).save(path)


__all__ = [
    "Capsule",
    "Ellipsoid",
    "Style",
    "mannequin",
    "masked_pose",
    "render",
    "render_image",
    "render_sample",
    "render_silhouette",
    "save_png",
]
