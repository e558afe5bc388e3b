"""Synthetic bodies with known joint angles: forward kinematics, projection, rendering.

`posecheck.synth.body` (NumPy only) turns joint angles into the 33 BlazePose landmarks
in 3D and into a `Pose` in pixels (`make_pose`), the factory the unit tests use.
`posecheck.synth.render` draws the same body as a shaded mannequin so the real pose model
can be measured against the truth.  Neither module imports cv2 or mediapipe.
"""

from posecheck.synth.body import (
    ArmAngles,
    BodyAngles,
    BodyShape,
    Camera,
    LegAngles,
    ResolvedCamera,
    Skeleton,
    forward_kinematics,
    kneeling_lunge,
    make_pose,
    project,
    prone_press_up,
    resolve_camera,
    skeleton,
    standing,
    standing_lunge,
)

__all__ = [
    "ArmAngles",
    "BodyAngles",
    "BodyShape",
    "Camera",
    "LegAngles",
    "ResolvedCamera",
    "Skeleton",
    "forward_kinematics",
    "kneeling_lunge",
    "make_pose",
    "project",
    "prone_press_up",
    "resolve_camera",
    "skeleton",
    "standing",
    "standing_lunge",
]
