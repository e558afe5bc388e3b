"""posecheck: checks hip-flexor stretches and standing posture with MediaPipe pose landmarks."""

__version__ = "0.1.0"
