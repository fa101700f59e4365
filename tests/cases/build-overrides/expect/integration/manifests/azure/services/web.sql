-- web in integration: server shop-integration-db.database.windows.net, database db; run as the
-- SQL Entra admin (the group sqlAdminGroupName) after the deployment.
IF DATABASE_PRINCIPAL_ID('shop-integration-web') IS NULL
    CREATE USER [shop-integration-web] FROM EXTERNAL PROVIDER;
ALTER ROLE db_datareader ADD MEMBER [shop-integration-web];
GO
