-- orders in integration: server tutorial-integration-orders-db.database.windows.net, database orders-db; run as the
-- SQL Entra admin (the group sqlAdminGroupName) after the deployment.
IF DATABASE_PRINCIPAL_ID('tutorial-integration-orders') IS NULL
    CREATE USER [tutorial-integration-orders] FROM EXTERNAL PROVIDER;
ALTER ROLE db_datareader ADD MEMBER [tutorial-integration-orders];
ALTER ROLE db_datawriter ADD MEMBER [tutorial-integration-orders];
GO
