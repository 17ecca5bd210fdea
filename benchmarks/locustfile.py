"""One endpoint under load: every simulated client GETs the same URL back to back (no wait time).

`benchmarks.load` runs locust once per endpoint with the endpoint in the environment, so each figure is
that endpoint alone under N clients:

    KENMU_BENCH_PATH     the path, e.g. /api/v1/needs/
    KENMU_BENCH_NAME     the name in locust's statistics (default: the path)
    KENMU_BENCH_COOKIE   the Cookie header of a signed-in session (every client shares it; reads only)
    KENMU_BENCH_EXPECT   the expected status (default 200; 302 for a page that redirects); anything else,
                         or a redirect to the login page, counts as a failure
"""

import os

from locust import FastHttpUser, constant, task

PATH = os.environ.get("KENMU_BENCH_PATH", "/")
NAME = os.environ.get("KENMU_BENCH_NAME", PATH)
COOKIE = os.environ.get("KENMU_BENCH_COOKIE", "")
EXPECT = int(os.environ.get("KENMU_BENCH_EXPECT", "200"))


class Client(FastHttpUser):
    wait_time = constant(0)

    @task
    def get(self):
        with self.client.get(PATH, name=NAME, headers={"Cookie": COOKIE}, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != EXPECT:
                response.failure(f"status {response.status_code}, expected {EXPECT}")
            elif EXPECT == 302 and "/login/" in response.headers.get("Location", ""):
                response.failure("redirected to the login page: the session is not signed in")
