-- orders in production: server tutorial-production-orders-db.database.windows.net, database orders-db; run as the
-- SQL Entra admin (the group sqlAdminGroupName) after the deployment.
IF DATABASE_PRINCIPAL_ID('tutorial-production-orders') IS NULL
    CREATE USER [tutorial-production-orders] FROM EXTERNAL PROVIDER;
ALTER ROLE db_datareader ADD MEMBER [tutorial-production-orders];
ALTER ROLE db_datawriter ADD MEMBER [tutorial-production-orders];
GO
