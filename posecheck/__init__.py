"""posecheck: checks hip-flexor stretches and standing posture with MediaPipe pose landmarks."""

__version__ = "0.1.0"

# Set (to anything) to let MediaPipe's and FFmpeg's own log lines through to stderr.
NATIVE_LOGS_ENV = "POSECHECK_NATIVE_LOGS"
