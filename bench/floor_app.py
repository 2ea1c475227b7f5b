"""The floor: a minimal Sanic app that runs the same handler SQL on one psycopg pool,
one statement per request, nothing else. `python -m bench.floor_app DSN PORT`."""

from __future__ import annotations

import sys

from psycopg_pool import AsyncConnectionPool
from sanic import Request, Sanic
from sanic.response import HTTPResponse

from shim.nodes.queries import QUERIES


def create_app(dsn: str) -> Sanic:
    app = Sanic("floor")
    app.config.ACCESS_LOG = False
    statement = QUERIES["call_handler"].replace("{function}", "tenant_status")
    claims = '{"role": "operator", "sub": "bench-floor"}'

    @app.before_server_start
    async def open_pool(app: Sanic) -> None:
        app.ctx.pool = AsyncConnectionPool(dsn, min_size=4, max_size=10, open=False,
                                           kwargs={"autocommit": True, "options": "-c role=fedgate_api"})
        await app.ctx.pool.open(wait=True)

    @app.after_server_stop
    async def close_pool(app: Sanic) -> None:
        await app.ctx.pool.close()

    @app.get("/tenants/<tenant_id>/status")
    async def status(_request: Request, tenant_id: str) -> HTTPResponse:
        async with app.ctx.pool.connection() as conn:
            row = await (await conn.execute(statement, (tenant_id, "{}", claims, "fedgate floor"))).fetchone()
        return HTTPResponse(row[0], content_type="application/json")

    return app


if __name__ == "__main__":
    app = create_app(sys.argv[1])
    app.run(host="127.0.0.1", port=int(sys.argv[2]), single_process=True, motd=False, access_log=False)
