-- web in production: server shop-production-db.database.windows.net, database db; run as the
-- SQL Entra admin (the group sqlAdminGroupName) after the deployment.
IF DATABASE_PRINCIPAL_ID('shop-production-web') IS NULL
    CREATE USER [shop-production-web] FROM EXTERNAL PROVIDER;
ALTER ROLE db_datareader ADD MEMBER [shop-production-web];
GO
