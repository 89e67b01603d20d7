-- A small shop database for the SQL Server walk-through (docs/sqlserver.md).
-- Run with: docker compose exec sqlserver /opt/mssql-tools18/bin/sqlcmd -C -S localhost -U sa -P 'Ferry-Demo-2024!' -i /setup/setup.sql
-- captured LOB values (the nvarchar(max) note) longer than 64 KB would otherwise fail the write
EXEC sp_configure 'max text repl size', -1;
RECONFIGURE;
GO
IF DB_ID(N'shop') IS NULL CREATE DATABASE shop;
GO
ALTER DATABASE shop SET RECOVERY FULL;
ALTER DATABASE shop SET ALLOW_SNAPSHOT_ISOLATION ON;
GO
USE shop;
GO
CREATE TABLE dbo.customers (
    id         int IDENTITY PRIMARY KEY,
    name       nvarchar(100) NOT NULL,
    email      varchar(200) NULL,
    created_at datetime2(3) NOT NULL DEFAULT SYSUTCDATETIME()
);
CREATE TABLE dbo.orders (
    id          bigint IDENTITY PRIMARY KEY,
    customer_id int NOT NULL REFERENCES dbo.customers (id),
    total       money NOT NULL,
    placed_at   datetimeoffset(7) NOT NULL DEFAULT SYSDATETIMEOFFSET(),
    tracking    uniqueidentifier NOT NULL DEFAULT NEWID(),
    note        nvarchar(max) NULL
);
CREATE TABLE dbo.order_lines (
    order_id bigint NOT NULL REFERENCES dbo.orders (id),
    line     smallint NOT NULL,
    sku      char(8) NOT NULL,
    qty      int NOT NULL,
    price    decimal(12, 2) NOT NULL,
    PRIMARY KEY (order_id, line)
);
GO
INSERT INTO dbo.customers (name, email)
SELECT TOP (1000) N'Customer ' + CAST(ROW_NUMBER() OVER (ORDER BY (SELECT 1)) AS nvarchar(10)), NULL
FROM sys.all_objects a CROSS JOIN sys.all_objects b;
INSERT INTO dbo.orders (customer_id, total, note)
SELECT TOP (50000) 1 + ABS(CHECKSUM(NEWID())) % 1000, CAST(ABS(CHECKSUM(NEWID())) % 100000 AS money) / 100, N'Zürich ✓'
FROM sys.all_objects a CROSS JOIN sys.all_objects b;
INSERT INTO dbo.order_lines (order_id, line, sku, qty, price)
SELECT o.id, l.line, 'SKU-' + RIGHT('000' + CAST(l.line AS varchar(4)), 4), l.line, 9.99
FROM dbo.orders o CROSS JOIN (VALUES (1), (2), (3)) AS l(line);
GO
