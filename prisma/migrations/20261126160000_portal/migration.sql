-- Developer portal: developers and their sessions, API products, plans, apps, subscriptions, keys.
CREATE TABLE "developer" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "email_verified_at" TIMESTAMP(3),
    "status" TEXT NOT NULL DEFAULT 'active',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "developer_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "developer_email_key" ON "developer"("email");

CREATE TABLE "developer_session" (
    "id" TEXT NOT NULL,
    "developer_id" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "developer_session_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "developer_session_developer_id_fkey" FOREIGN KEY ("developer_id") REFERENCES "developer"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "developer_session_developer_id_idx" ON "developer_session"("developer_id");

CREATE TABLE "developer_token" (
    "id" TEXT NOT NULL,
    "developer_id" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "used_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "developer_token_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "developer_token_developer_id_fkey" FOREIGN KEY ("developer_id") REFERENCES "developer"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "developer_token_developer_id_idx" ON "developer_token"("developer_id");

CREATE TABLE "api_product" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "routes" TEXT[],
    "openapi" TEXT,
    "guides" JSONB NOT NULL DEFAULT '[]',
    "requires_approval" BOOLEAN NOT NULL DEFAULT false,
    "published" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "api_product_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "api_product_slug_key" ON "api_product"("slug");

CREATE TABLE "plan" (
    "id" TEXT NOT NULL,
    "product_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "per_second" INTEGER,
    "per_minute" INTEGER,
    "per_hour" INTEGER,
    "per_day" INTEGER,
    "monthly_quota" INTEGER,
    "price_model" TEXT NOT NULL DEFAULT 'free',
    "price_per_request_micros" INTEGER NOT NULL DEFAULT 0,
    "tiers" JSONB NOT NULL DEFAULT '[]',
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "plan_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "plan_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "api_product"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "plan_product_id_idx" ON "plan"("product_id");

CREATE TABLE "portal_app" (
    "id" TEXT NOT NULL,
    "developer_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "portal_app_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "portal_app_developer_id_fkey" FOREIGN KEY ("developer_id") REFERENCES "developer"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "portal_app_developer_id_idx" ON "portal_app"("developer_id");

CREATE TABLE "subscription" (
    "id" TEXT NOT NULL,
    "app_id" TEXT NOT NULL,
    "product_id" TEXT NOT NULL,
    "plan_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "subscription_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "subscription_app_id_fkey" FOREIGN KEY ("app_id") REFERENCES "portal_app"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "subscription_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "api_product"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "subscription_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plan"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "subscription_app_id_product_id_key" ON "subscription"("app_id", "product_id");
CREATE INDEX "subscription_product_id_idx" ON "subscription"("product_id");

CREATE TABLE "subscription_plan_period" (
    "id" TEXT NOT NULL,
    "subscription_id" TEXT NOT NULL,
    "plan_id" TEXT NOT NULL,
    "starts_at" TIMESTAMP(3) NOT NULL,
    "ends_at" TIMESTAMP(3),
    CONSTRAINT "subscription_plan_period_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "subscription_plan_period_subscription_id_fkey" FOREIGN KEY ("subscription_id") REFERENCES "subscription"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "subscription_plan_period_subscription_id_idx" ON "subscription_plan_period"("subscription_id");

CREATE TABLE "portal_api_key" (
    "id" TEXT NOT NULL,
    "subscription_id" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMP(3),
    CONSTRAINT "portal_api_key_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "portal_api_key_subscription_id_fkey" FOREIGN KEY ("subscription_id") REFERENCES "subscription"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "portal_api_key_key_hash_key" ON "portal_api_key"("key_hash");
CREATE INDEX "portal_api_key_subscription_id_idx" ON "portal_api_key"("subscription_id");
